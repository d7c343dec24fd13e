package dev.ccrouter.translate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * Anthropic content blocks a user turn can carry ({@code text}, {@code image}, {@code document},
 * {@code search_result}) as OpenAI content parts. Each block's {@code cache_control} rides on the part it becomes.
 *
 * <p>Empty text never becomes a part: Anthropic rejects empty text blocks, and OpenRouter sends parts back to
 * Anthropic as blocks.
 */
final class ContentTranslator {
    static final String DEFAULT_PDF_NAME = "document.pdf";

    private final JsonNodeFactory nodes;
    private final CacheMarkers markers;

    /** What stands in for an image sent to a model that cannot read images. */
    static final String IMAGE_OMITTED = "[Image omitted: this model cannot read images.]";

    /** What stands in for a PDF sent to a provider that takes none (the title, when the client gave one, leads it). */
    static final String PDF_OMITTED = "[PDF omitted: PDF files cannot be sent to this model.]";

    private final boolean imageInput;
    private final boolean pdfInput;

    ContentTranslator(JsonNodeFactory nodes, CacheMarkers markers, boolean imageInput, boolean pdfInput) {
        this.nodes = nodes;
        this.markers = markers;
        this.imageInput = imageInput;
        this.pdfInput = pdfInput;
    }

    /** Appends the parts for a user-side block whose type is one of {@code text, image, document, search_result}. */
    void userBlock(String type, JsonNode block, List<ObjectNode> sink) {
        switch (type) {
            case "text" -> ContentBlocks.addIfPresent(sink, text(block));
            case "image" -> sink.add(image(block));
            case "document" -> document(block, sink);
            case "search_result" -> ContentBlocks.addIfPresent(sink, searchResult(block));
            default -> throw new IllegalArgumentException("not a user content block: " + type);
        }
    }

    /** A {@code text} block's part, or null when its text is empty. */
    ObjectNode text(JsonNode block) {
        return textPart(Fields.requiredText(block, "text"), markers.markerOf(block));
    }

    /** A text part with an optional cache marker, or null for empty text (whose marker Anthropic would reject). */
    ObjectNode textPart(String text, ObjectNode marker) {
        return textPart(nodes.textNode(text), marker);
    }

    /** The same for a client's string node, passed on as it is (see {@link Fields#requiredText}). */
    ObjectNode textPart(JsonNode text, ObjectNode marker) {
        if (Fields.isEmptyText(text)) {
            return null;
        }
        ObjectNode part = nodes.objectNode().put("type", "text").set("text", text);
        if (marker != null) {
            part.set("cache_control", marker);
        }
        return part;
    }

    /**
     * Base64 images become data URLs, URL images keep their URL. Files API references cannot reach another provider.
     * For a model without image input the image becomes a short text note: the model learns that something was there,
     * and the upstream does not refuse the whole request.
     */
    ObjectNode image(JsonNode block) {
        JsonNode source = Fields.requiredObject(block, "source");
        String url;
        try {
            url = switch (Fields.requiredString(source, "type")) {
                case "base64" -> dataUrl(Fields.requiredString(source, "media_type"), Fields.requiredString(source, "data"));
                case "url" -> Fields.requiredString(source, "url");
                default -> throw FieldProblem.at("type", Fields.oneOf("base64", "url"));
            };
        } catch (FieldProblem problem) {
            throw problem.under("source");
        }
        if (!imageInput) {
            return withMarker(textPart(IMAGE_OMITTED, null), markers.markerOf(block));
        }
        ObjectNode part = nodes.objectNode().put("type", "image_url");
        part.putObject("image_url").put("url", url);
        return withMarker(part, markers.markerOf(block));
    }

    /**
     * PDFs (base64 or URL) become {@code file} parts named by the title; a URL travels in {@code file_data}, which
     * OpenRouter fetches. For a provider that takes no PDFs a PDF becomes a short text note, as an image does for a
     * model without image input: Claude Code keeps a PDF it read in the conversation, so a refused part would fail
     * every later turn too. Plain-text and content-block documents become ordinary parts, the title leading the
     * text. {@code context} and {@code citations} have no OpenAI counterpart and are dropped.
     */
    void document(JsonNode block, List<ObjectNode> sink) {
        JsonNode source = Fields.requiredObject(block, "source");
        String title = Fields.optionalString(block, "title");
        ObjectNode marker = markers.markerOf(block);
        try {
            switch (Fields.requiredString(source, "type")) {
                case "base64" -> sink.add(withMarker(pdf(title,
                        dataUrl(Fields.requiredString(source, "media_type"), Fields.requiredString(source, "data"))), marker));
                case "url" -> sink.add(withMarker(pdf(title, Fields.requiredString(source, "url")), marker));
                case "text" -> ContentBlocks.addIfPresent(sink,
                        textPart(titled(title, Fields.requiredString(source, "data")), marker));
                case "content" -> contentDocument(source, title, marker, sink);
                default -> throw FieldProblem.at("type", Fields.oneOf("base64", "text", "content", "url"));
            }
        } catch (FieldProblem problem) {
            throw problem.under("source");
        }
    }

    private void contentDocument(JsonNode source, String title, ObjectNode marker, List<ObjectNode> sink) {
        JsonNode content = Fields.required(source, "content");
        int first = sink.size();
        if (title != null) {
            ContentBlocks.addIfPresent(sink, textPart(title, null));
        }
        if (content.isTextual()) {
            ContentBlocks.addIfPresent(sink, textPart(content, null));
        } else if (content.isArray()) {
            for (int i = 0; i < content.size(); i++) {
                try {
                    JsonNode item = content.get(i);
                    switch (ContentBlocks.type(item)) {
                        case "text" -> ContentBlocks.addIfPresent(sink, text(item));
                        case "image" -> sink.add(image(item));
                        default -> throw FieldProblem.at("type", Fields.oneOf("text", "image"));
                    }
                } catch (FieldProblem problem) {
                    throw problem.under(i).under("content");
                }
            }
        } else {
            throw FieldProblem.at("content", Fields.NOT_STRING_OR_LIST);
        }
        if (marker != null && sink.size() > first) {
            sink.get(sink.size() - 1).set("cache_control", marker);
        }
    }

    /** A search result the model can read and cite by hand: title, source, then its text blocks. */
    ObjectNode searchResult(JsonNode block) {
        String title = Fields.requiredString(block, "title");
        String source = Fields.requiredString(block, "source");
        JsonNode content = Fields.required(block, "content");
        if (!content.isArray()) {
            throw FieldProblem.at("content", Fields.NOT_LIST);
        }
        StringBuilder text = new StringBuilder("Search result: ").append(title).append("\nSource: ").append(source);
        for (int i = 0; i < content.size(); i++) {
            try {
                JsonNode item = content.get(i);
                if (!"text".equals(ContentBlocks.type(item))) {
                    throw FieldProblem.at("type", Fields.oneOf("text"));
                }
                text.append("\n\n").append(Fields.requiredString(item, "text"));
            } catch (FieldProblem problem) {
                throw problem.under(i).under("content");
            }
        }
        return textPart(text.toString(), markers.markerOf(block));
    }

    /** A PDF's part: a {@code file} part, or the note for a provider that takes none. */
    private ObjectNode pdf(String title, String fileData) {
        if (!pdfInput) {
            return textPart(titled(title, PDF_OMITTED), null);
        }
        return filePart(title, fileData);
    }

    private ObjectNode filePart(String title, String fileData) {
        ObjectNode part = nodes.objectNode().put("type", "file");
        part.putObject("file")
                .put("filename", title == null || title.isEmpty() ? DEFAULT_PDF_NAME : title)
                .put("file_data", fileData);
        return part;
    }

    private static String titled(String title, String text) {
        return title == null || title.isEmpty() ? text : title + "\n\n" + text;
    }

    private static String dataUrl(String mediaType, String base64) {
        return "data:" + mediaType + ";base64," + base64;
    }

    private static ObjectNode withMarker(ObjectNode part, ObjectNode marker) {
        if (marker != null) {
            part.set("cache_control", marker);
        }
        return part;
    }
}
