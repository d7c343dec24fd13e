package dev.ccrouter.rehearsal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.helidon.http.Status;
import io.helidon.webserver.WebServer;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class PlainClientTest {
    private final List<String> received = new CopyOnWriteArrayList<>();
    private WebServer server;

    @BeforeEach
    void start() {
        server = WebServer.builder().host("127.0.0.1").port(0)
                .routing(r -> r
                        .post("/sized", (req, res) -> {
                            received.add(req.content().as(String.class));
                            res.send("{\"ok\":true}");
                        })
                        .post("/streamed", (req, res) -> {
                            received.add(req.content().as(String.class));
                            try (OutputStream out = res.outputStream()) {
                                out.write("data: one\n\n".getBytes(StandardCharsets.UTF_8));
                                out.flush();
                                out.write("data: two\n\n".getBytes(StandardCharsets.UTF_8));
                            }
                        })
                        .get("/models", (req, res) -> res.send("[]"))
                        .post("/refused", (req, res) -> res.status(Status.BAD_REQUEST_400).send("no model")))
                .build().start();
    }

    @AfterEach
    void stop() {
        server.stop();
    }

    @Test
    void readsSizedAndChunkedResponsesOnOneConnection() throws Exception {
        try (PlainClient client = new PlainClient(server.port())) {
            client.exchange("POST", "/streamed", "{\"turn\":1}".getBytes(StandardCharsets.UTF_8));
            client.exchange("POST", "/sized", "{\"turn\":2}".getBytes(StandardCharsets.UTF_8));
            client.exchange("GET", "/models", new byte[0]);
            client.exchange("POST", "/streamed", "{\"turn\":3}".getBytes(StandardCharsets.UTF_8));
        }

        assertThat(received).containsExactly("{\"turn\":1}", "{\"turn\":2}", "{\"turn\":3}");
    }

    @Test
    void failsOnAnythingButOk() throws Exception {
        try (PlainClient client = new PlainClient(server.port())) {
            assertThatThrownBy(() -> client.exchange("POST", "/refused", new byte[0]))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessage("request POST /refused answered HTTP/1.1 400 Bad Request: no model");
        }
    }

    @Test
    void sendsClaudeCodesHeaders() throws Exception {
        try (PlainClient client = new PlainClient(server.port())) {
            assertThat(client.head("POST", "/v1/messages", 12)).isEqualTo("POST /v1/messages HTTP/1.1\r\n"
                    + "Host: 127.0.0.1:" + server.port() + "\r\n"
                    + "Content-Type: application/json\r\n"
                    + "x-api-key: sk-local-rehearsal\r\n"
                    + "anthropic-version: 2023-06-01\r\n"
                    + "Content-Length: 12\r\n\r\n");
        }
    }
}
