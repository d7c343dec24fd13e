package dev.ccrouter.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ccrouter.testing.RawClient;
import dev.ccrouter.testing.RawResponse;
import dev.ccrouter.testing.RawResponse.Framing;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The HTTP server on its own, without the gateway: routing, filters, the error handler, response framing, request
 * bodies, the connection gate, the connection cap and the graceful stop, over raw sockets.
 */
class HttpServerTest {
    private static final Duration T = Duration.ofSeconds(10);
    private final List<RawClient> clients = new ArrayList<>();
    private HttpServer server;

    @AfterEach
    void stop() {
        clients.forEach(RawClient::close);
        if (server != null) {
            server.stop();
        }
    }

    private HttpServer start(Routing routing) {
        return start(HttpServer.builder().routing(routing));
    }

    private HttpServer start(HttpServer.Builder builder) {
        server = builder.host("127.0.0.1").port(0).build().start();
        return server;
    }

    private RawClient connect() {
        RawClient client = RawClient.connect(server.port());
        clients.add(client);
        return client;
    }

    private static String get(String target) {
        return "GET " + target + " HTTP/1.1\r\nHost: test\r\n\r\n";
    }

    private static Handler text(String body) {
        return (req, res) -> res.header(HeaderNames.CONTENT_TYPE, "text/plain").send(body);
    }

    @Test
    void routesMatchExactPathsOneSegmentParametersAndRestParameters() {
        start(Routing.builder()
                .get("/health", text("ok"))
                .get("/files/{name}", (req, res) -> res.send("file " + req.pathParameter("name")))
                .get("/models/{+id}", (req, res) -> res.send("model " + req.pathParameter("id")))
                .build());
        RawClient client = connect();

        assertThat(client.send(get("/health")).readResponse(T).text()).isEqualTo("ok");
        assertThat(client.send(get("/files/app.js")).readResponse(T).text()).isEqualTo("file app.js");
        assertThat(client.send(get("/files/a/b")).readResponse(T).status()).isEqualTo(404);
        assertThat(client.send(get("/models/anthropic/claude%20sonnet")).readResponse(T).text())
                .isEqualTo("model anthropic/claude sonnet");
        assertThat(client.send(get("/models/")).readResponse(T).status()).isEqualTo(404);
        assertThat(client.send("POST /health HTTP/1.1\r\nHost: test\r\nContent-Length: 0\r\n\r\n")
                .readResponse(T).status()).isEqualTo(404);
    }

    @Test
    void aGetRouteAnswersHeadWithTheSameHeadAndNoBody() {
        start(Routing.builder().get("/page", text("twelve bytes")).build());
        RawClient client = connect();

        RawResponse head = client.send("HEAD /page HTTP/1.1\r\nHost: test\r\n\r\n").readResponse(T, true);
        assertThat(head.status()).isEqualTo(200);
        assertThat(head.header("content-length")).hasValue("12");
        assertThat(head.body()).isEmpty();
        assertThat(client.send(get("/page")).readResponse(T).text()).isEqualTo("twelve bytes");
    }

    /** RFC 9110 §2.5: a later minor version of HTTP/1 is served as the highest one the server speaks. */
    @Test
    void aLaterHttp1MinorVersionIsServedAsHttp11() {
        start(Routing.builder().get("/page", text("twelve bytes")).build());
        RawClient client = connect();

        RawResponse response = client.send("GET /page HTTP/1.2\r\nHost: test\r\n\r\n").readResponse(T);
        assertThat(response.status()).isEqualTo(200);
        assertThat(response.text()).isEqualTo("twelve bytes");
        assertThat(client.send(get("/page")).readResponse(T).text()).as("kept alive, as 1.1").isEqualTo("twelve bytes");
    }

    @Test
    void queryParametersAreDecodedAsAFormWould() {
        start(Routing.builder().get("/q", (req, res) -> res.send(req.query("tz").orElse("-") + "|"
                + req.query("since").orElse("-") + "|" + req.query("flag").orElse("-") + "|"
                + req.query("absent").orElse("-"))).build());

        assertThat(connect().send(get("/q?tz=Europe%2FParis&since=a+b&flag")).readResponse(T).text())
                .isEqualTo("Europe/Paris|a b||-");
    }

    @Test
    void filtersRunInOrderAroundTheHandlerAndMayAnswerThemselves() {
        List<String> seen = new CopyOnWriteArrayList<>();
        start(Routing.builder()
                .addFilter((chain, req, res) -> {
                    seen.add("first " + req.path());
                    res.header("X-First", "1");
                    chain.proceed();
                    seen.add("first done");
                })
                .addFilter((chain, req, res) -> {
                    if (req.path().equals("/blocked")) {
                        res.status(403).send("no");
                        return;
                    }
                    chain.proceed();
                })
                .get("/open", (req, res) -> {
                    seen.add("handler");
                    res.send("yes");
                })
                .get("/blocked", text("never"))
                .build());
        RawClient client = connect();

        RawResponse open = client.send(get("/open")).readResponse(T);
        assertThat(open.text()).isEqualTo("yes");
        assertThat(open.header("x-first")).hasValue("1");
        RawResponse blocked = client.send(get("/blocked")).readResponse(T);
        assertThat(blocked.status()).isEqualTo(403);
        assertThat(blocked.text()).isEqualTo("no");
        // The filter's after-part runs once the answer is on the wire, so the client may read it first.
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(seen)
                .containsExactly("first /open", "handler", "first done", "first /blocked", "first done"));
    }

    @Test
    void aHandlerThatThrowsOrSendsNothingIsAnsweredByTheErrorHandlerAndTheConnectionServesOn() {
        List<String> failures = new CopyOnWriteArrayList<>();
        start(Routing.builder()
                .get("/throws", (req, res) -> {
                    throw new IOException("disk gone");
                })
                .get("/silent", (req, res) -> { })
                .get("/fine", text("fine"))
                .error((req, res, failure) -> {
                    failures.add(failure.getMessage());
                    res.status(500).send("sorry");
                })
                .build());
        RawClient client = connect();

        assertThat(client.send(get("/throws")).readResponse(T).text()).isEqualTo("sorry");
        assertThat(client.send(get("/silent")).readResponse(T).status()).isEqualTo(500);
        assertThat(client.send(get("/fine")).readResponse(T).text()).isEqualTo("fine");
        assertThat(failures).containsExactly("disk gone", "the handler sent no response");
    }

    @Test
    void aHandlerThatFailsAfterItsHeadWentOutLeavesTheBodyUnfinishedAndClosesTheConnection() {
        start(Routing.builder().get("/half", (req, res) -> {
            OutputStream out = res.outputStream();
            out.write("part".getBytes(StandardCharsets.UTF_8));
            out.flush();
            throw new IllegalStateException("upstream broke");
        }).build());
        RawClient client = connect();

        String received = client.send(get("/half")).readUntilClosed(T);
        assertThat(received).startsWith("HTTP/1.1 200 OK\r\n").contains("Transfer-Encoding: chunked\r\n")
                .endsWith("\r\n\r\n4\r\npart\r\n"); // no last chunk: the client knows the body is incomplete
    }

    @Test
    void aBodyFailingUncheckedAfterTheHeadLeavesTheBodyUnfinishedToo() {
        start(Routing.builder().get("/half", (req, res) -> {
            OutputStream out = res.outputStream();
            out.write("part".getBytes(StandardCharsets.UTF_8));
            out.flush();
            throw new java.io.UncheckedIOException(new IOException("the upstream reset"));
        }).get("/a", text("a")).build());
        RawClient client = connect();

        String received = client.send(get("/half") + get("/a")).readUntilClosed(T);
        assertThat(received).endsWith("\r\n\r\n4\r\npart\r\n").doesNotContain("HTTP/1.1 200 OK\r\nContent-Type");
    }

    @Test
    void aChunkedBodyTheHandlerBeganAndLeftClosesTheConnectionWhileOneItNeverReadIsDropped() {
        start(Routing.builder()
                .route("POST", "/peek", (req, res) -> {
                    req.body().readNBytes(3);
                    res.send("peeked");
                })
                .route("POST", "/ignore", text("ignored"))
                .build());
        String chunks = "Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n5\r\nworld\r\n0\r\n\r\n";
        RawClient client = connect();

        RawResponse ignored = client.send("POST /ignore HTTP/1.1\r\nHost: test\r\n" + chunks).readResponse(T);
        assertThat(ignored.connectionHas("close")).isFalse();
        RawResponse peeked = client.send("POST /peek HTTP/1.1\r\nHost: test\r\n" + chunks).readResponse(T);
        assertThat(peeked.text()).isEqualTo("peeked");
        assertThat(peeked.connectionHas("close")).isTrue();
        client.assertClosedWithin(T);
    }

    @Test
    void aStreamClosedBeforeItsFirstFlushHasALengthAndAFlushedOneIsChunked() {
        start(Routing.builder()
                .get("/whole", (req, res) -> {
                    try (OutputStream out = res.outputStream()) {
                        out.write("ab".getBytes(StandardCharsets.UTF_8));
                        out.write("cd".getBytes(StandardCharsets.UTF_8));
                    }
                })
                .get("/stream", (req, res) -> {
                    try (OutputStream out = res.outputStream()) {
                        out.write("ab".getBytes(StandardCharsets.UTF_8));
                        out.flush();
                        out.write("cde".getBytes(StandardCharsets.UTF_8));
                    }
                })
                .build());
        RawClient client = connect();

        RawResponse whole = client.send(get("/whole")).readResponse(T);
        assertThat(whole.framing()).isEqualTo(Framing.CONTENT_LENGTH);
        assertThat(whole.header("content-length")).hasValue("4");
        assertThat(whole.text()).isEqualTo("abcd");
        RawResponse stream = client.send(get("/stream")).readResponse(T);
        assertThat(stream.framing()).isEqualTo(Framing.CHUNKED);
        assertThat(stream.text()).isEqualTo("abcde");
        RawResponse http10 = connect().send("GET /stream HTTP/1.0\r\n\r\n").readResponse(T);
        assertThat(http10.framing()).isEqualTo(Framing.CLOSE_DELIMITED);
        assertThat(http10.text()).isEqualTo("abcde");
    }

    @Test
    void bodiesAreReadByLengthOrChunksAndContinueIsSentAtTheFirstRead() {
        start(Routing.builder().route("POST", "/echo", (req, res) -> {
            try (InputStream in = req.body()) {
                res.send(in.readAllBytes());
            }
        }).build());
        RawClient client = connect();

        assertThat(client.send("POST /echo HTTP/1.1\r\nHost: test\r\nContent-Length: 5\r\n\r\nhello")
                .readResponse(T).text()).isEqualTo("hello");
        assertThat(client.send("POST /echo HTTP/1.1\r\nHost: test\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "3;note=x\r\nabc\r\n2\r\nde\r\n0\r\nTrailer: t\r\n\r\n").readResponse(T).text()).isEqualTo("abcde");
        client.send("POST /echo HTTP/1.1\r\nHost: test\r\nContent-Length: 3\r\nExpect: 100-continue\r\n\r\n");
        RawResponse invitation = client.readResponse(T);
        assertThat(invitation.status()).isEqualTo(100);
        assertThat(client.send("xyz").readResponse(T).text()).isEqualTo("xyz");
    }

    @Test
    void aRefusedHeadGoesToTheRejectionsWithItsStatusAndTheConnectionCloses() {
        List<String> refusals = new CopyOnWriteArrayList<>();
        start(Routing.builder().rejections((status, message, res) -> {
            refusals.add(status + " " + message);
            res.send("refused " + status);
        }).build());

        RawClient big = connect();
        big.sendAsFarAsAccepted("GET /x HTTP/1.1\r\nHost: test\r\nX-Big: " + "a".repeat(40_000) + "\r\n\r\n");
        RawResponse tooLarge = big.readResponse(T);
        assertThat(tooLarge.status()).isEqualTo(431);
        assertThat(tooLarge.text()).isEqualTo("refused 431");
        assertThat(tooLarge.connectionHas("close")).isTrue();
        big.assertClosedWithin(T);
        RawClient v2 = connect();
        assertThat(v2.send("GET /x HTTP/2.0\r\nHost: test\r\n\r\n").readResponse(T).status()).isEqualTo(505);
        v2.assertClosedWithin(T);
        assertThat(refusals).containsExactly("431 The request head is larger than 32 KB.",
                "505 HTTP version not supported: HTTP/2.0; this server speaks HTTP/1.1.");
    }

    @Test
    void theGateIsToldOfEachConnectionEachHeadAndTheClose() {
        List<String> events = new CopyOnWriteArrayList<>();
        CountDownLatch closed = new CountDownLatch(1);
        start(HttpServer.builder().routing(Routing.builder().get("/a", text("a")).build()).gate(connection -> {
            events.add("opened from " + connection.remotePeer().getAddress().getHostAddress() + " to "
                    + connection.localPeer().getPort());
            return new ConnectionGate.Observer() {
                @Override
                public void headStarted() {
                    events.add("head");
                }

                @Override
                public void closed() {
                    events.add("closed");
                    closed.countDown();
                }
            };
        }));
        RawClient client = connect();
        client.send(get("/a")).readResponse(T);
        client.send("GET /a HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n").readResponse(T);
        client.assertClosedWithin(T);

        await().atMost(T).until(() -> closed.getCount() == 0);
        assertThat(events).containsExactly("opened from 127.0.0.1 to " + server.port(), "head", "head", "closed");
    }

    @Test
    void theCrowdCountsTheExchangesInProgressAndForgetsEachHoweverItEnds() throws Exception {
        Crowd crowd = new Crowd(2);
        CountDownLatch handling = new CountDownLatch(3);
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch holding = new CountDownLatch(1);
        CountDownLatch letGo = new CountDownLatch(1);
        AtomicInteger headsStarted = new AtomicInteger();
        start(HttpServer.builder().crowd(crowd).gate(connection -> new ConnectionGate.Observer() {
            @Override
            public void headStarted() {
                headsStarted.incrementAndGet();
            }
        }).routing(Routing.builder()
                .get("/slow", (req, res) -> {
                    handling.countDown();
                    release.await(10, TimeUnit.SECONDS);
                    res.send("finished");
                })
                .get("/held", (req, res) -> {
                    holding.countDown();
                    letGo.await(10, TimeUnit.SECONDS);
                    res.send("too late");
                })
                .get("/fails", (req, res) -> {
                    throw new IllegalStateException("a handler's bug");
                })
                .post("/ignores", text("answered unread"))
                .get("/a", text("a")).build()));
        List<RawClient> slow = List.of(connect(), connect(), connect());
        slow.get(0).send(get("/slow"));
        slow.get(1).send(get("/slow"));
        await().atMost(T).until(() -> crowd.inProgress() == 2);
        assertThat(crowd.crowded()).isFalse(); // as many exchanges as carriers: each thread has one to run on
        slow.get(2).send(get("/slow"));
        assertThat(handling.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(crowd.inProgress()).isEqualTo(3);
        assertThat(crowd.crowded()).isTrue();

        release.countDown();
        for (RawClient client : slow) {
            assertThat(client.readResponse(T).text()).isEqualTo("finished");
        }
        await().atMost(T).until(() -> crowd.inProgress() == 0);
        RawClient keptAlive = connect();
        assertThat(keptAlive.send(get("/a")).readResponse(T).text()).isEqualTo("a");
        assertThat(keptAlive.send(get("/fails")).readResponse(T).status()).isEqualTo(500);
        RawClient refused = connect();
        refused.sendAsFarAsAccepted("GET /a HTTP/1.1\r\nHost: test\r\nX-Big: " + "a".repeat(40_000) + "\r\n\r\n");
        assertThat(refused.readResponse(T).status()).isEqualTo(431);
        refused.assertClosedWithin(T);
        RawClient leaving = connect().send(get("/held"));
        assertThat(holding.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(crowd.inProgress()).isEqualTo(1);
        leaving.close();
        letGo.countDown(); // its answer finds the client gone
        await().atMost(T).until(() -> crowd.inProgress() == 0);
        RawClient halfSent = connect().send("POST /ignores HTTP/1.1\r\nHost: test\r\nContent-Length: 1000\r\n\r\n"
                + "x".repeat(10));
        assertThat(halfSent.readResponse(T).text()).isEqualTo("answered unread");
        assertThat(crowd.inProgress()).isEqualTo(1); // the rest of the body is still awaited, to keep the connection
        halfSent.close(); // ... which ends the exchange with the connection's end
        await().atMost(T).until(() -> crowd.inProgress() == 0);

        // A head still arriving is no exchange yet: a client trickling one holds nothing up.
        int heads = headsStarted.get();
        connect().send("GET /a HTTP/1.1\r\nHost: te");
        await().atMost(T).until(() -> headsStarted.get() == heads + 1);
        assertThat(crowd.inProgress()).isZero();
        assertThat(keptAlive.send(get("/a")).readResponse(T).text()).isEqualTo("a");
        await().atMost(T).until(() -> crowd.inProgress() == 0);
    }

    @Test
    void beyondTheConnectionCapNewClientsWaitUntilAConnectionCloses() {
        start(HttpServer.builder().routing(Routing.builder().get("/a", text("a")).build()).maxConnections(1));
        RawClient first = connect();
        assertThat(first.send(get("/a")).readResponse(T).text()).isEqualTo("a");
        RawClient second = connect().send(get("/a"));
        assertThat(server.openConnections()).isEqualTo(1);

        first.close();
        assertThat(second.readResponse(T).text()).isEqualTo("a");
    }

    @Test
    void stoppingClosesIdleConnectionsAndLetsARequestInProgressFinish() throws Exception {
        CountDownLatch handling = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        start(HttpServer.builder().shutdownGrace(Duration.ofSeconds(10)).routing(Routing.builder()
                .get("/slow", (req, res) -> {
                    handling.countDown();
                    release.await(10, TimeUnit.SECONDS);
                    res.send("finished");
                })
                .get("/a", text("a")).build()));
        RawClient idle = connect();
        idle.send(get("/a")).readResponse(T);
        RawClient busy = connect().send(get("/slow"));
        assertThat(handling.await(10, TimeUnit.SECONDS)).isTrue();

        Thread stopping = Thread.ofVirtual().start(server::stop);
        idle.assertClosedWithin(T);
        release.countDown();
        RawResponse finished = busy.readResponse(T);
        assertThat(finished.text()).isEqualTo("finished");
        assertThat(finished.connectionHas("close")).isTrue();
        stopping.join(T);
        assertThat(stopping.isAlive()).isFalse();
        assertThat(server.openConnections()).isZero();
        server = null;
    }

    @Test
    void aRequestStillRunningAfterTheGraceIsCutOffAndItsHandlerInterrupted() throws Exception {
        CountDownLatch handling = new CountDownLatch(1);
        CountDownLatch interrupted = new CountDownLatch(1);
        start(HttpServer.builder().shutdownGrace(Duration.ofMillis(200)).routing(Routing.builder()
                .get("/forever", (req, res) -> {
                    handling.countDown();
                    try {
                        new CountDownLatch(1).await(30, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        interrupted.countDown();
                        throw e;
                    }
                }).build()));
        RawClient busy = connect().send(get("/forever"));
        assertThat(handling.await(10, TimeUnit.SECONDS)).isTrue();

        server.stop();
        busy.assertClosedWithin(T);
        assertThat(interrupted.await(10, TimeUnit.SECONDS)).isTrue();
        server = null;
    }
}
