package dev.ccrouter.testing;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;

/**
 * The raw SSE text a client receives, for assertions the SDK would hide (event names, comments, frame order).
 * Uses the JDK's own HTTP client, not the code under test.
 */
public final class SseCapture {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    /** One frame: its {@code event:} name and {@code data:} payload. */
    public record Frame(String event, String data) {
    }

    private SseCapture() {
    }

    public static HttpResponse<String> post(String url, String body, String... headers) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
                .header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        for (int i = 0; i + 1 < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Splits an SSE body into frames; comment lines are dropped. */
    public static List<Frame> frames(String body) {
        List<Frame> frames = new ArrayList<>();
        for (String block : body.split("\n\n")) {
            String event = null;
            StringBuilder data = null;
            for (String line : block.split("\n")) {
                if (line.startsWith("event: ")) {
                    event = line.substring(7);
                } else if (line.startsWith("data: ")) {
                    data = data == null ? new StringBuilder(line.substring(6)) : data.append('\n').append(line.substring(6));
                }
            }
            if (event != null || data != null) {
                frames.add(new Frame(event, data == null ? null : data.toString()));
            }
        }
        return frames;
    }

    public static List<String> eventNames(String body) {
        return frames(body).stream().map(Frame::event).toList();
    }
}
