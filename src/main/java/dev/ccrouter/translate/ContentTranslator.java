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
        return textPart(block.get("text"), markers.markerOf(block));
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
        JsonNode source = block.get("source");
        String url = source.get("type").textValue().equals("base64") ? dataUrl(source) : source.get("url").textValue();
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
        JsonNode source = block.get("source");
        String title = Fields.string(block, "title");
        ObjectNode marker = markers.markerOf(block);
        switch (source.get("type").textValue()) {
            case "base64" -> sink.add(withMarker(pdf(title, dataUrl(source)), marker));
            case "url" -> sink.add(withMarker(pdf(title, source.get("url").textValue()), marker));
            case "text" -> ContentBlocks.addIfPresent(sink,
                    textPart(titled(title, source.get("data").textValue()), marker));
            default -> contentDocument(source, title, marker, sink); // "content", the one type left
        }
    }

    private void contentDocument(JsonNode source, String title, ObjectNode marker, List<ObjectNode> sink) {
        JsonNode content = source.get("content");
        int first = sink.size();
        if (title != null) {
            ContentBlocks.addIfPresent(sink, textPart(title, null));
        }
        if (content.isTextual()) {
            ContentBlocks.addIfPresent(sink, textPart(content, null));
        } else {
            for (JsonNode item : content) {
                if (ContentBlocks.type(item).equals("text")) {
                    ContentBlocks.addIfPresent(sink, text(item));
                } else {
                    sink.add(image(item));
                }
            }
        }
        if (marker != null && sink.size() > first) {
            sink.get(sink.size() - 1).set("cache_control", marker);
        }
    }

    /** A search result the model can read and cite by hand: title, source, then its text blocks. */
    ObjectNode searchResult(JsonNode block) {
        StringBuilder text = new StringBuilder("Search result: ").append(block.get("title").textValue())
                .append("\nSource: ").append(block.get("source").textValue());
        for (JsonNode item : block.get("content")) {
            text.append("\n\n").append(item.get("text").textValue());
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

    /** A base64 source as a data URL. */
    private static String dataUrl(JsonNode source) {
        return "data:" + source.get("media_type").textValue() + ";base64," + source.get("data").textValue();
    }

    private static ObjectNode withMarker(ObjectNode part, ObjectNode marker) {
        if (marker != null) {
            part.set("cache_control", marker);
        }
        return part;
    }
}
