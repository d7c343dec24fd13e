package dev.ccrouter.bench;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ThreadFactory;

/**
 * The cheapest hop a JVM makes on this machine: an HTTP/1.1 pass-through with no framework, no translation and no
 * bookkeeping, so that {@code bench/jvm-floor} can put a number on what a server loop of the gateway's own could
 * reach at best, beside nginx's hop in the same run. It relays a POST's bytes to one upstream path and the answer's
 * bytes back, each client connection with its own kept-alive upstream connection, on a virtual thread or a platform
 * thread per connection. It knows only what the canned upstream sends (a {@code Content-Length} on every answer); it
 * is an instrument, not a proxy anyone should run.
 *
 * <pre>java -cp … dev.ccrouter.bench.BareHop virtual|platform PORT UPSTREAM_PORT UPSTREAM_PATH</pre>
 */
final class BareHop {
    private static final byte[] CONTENT_LENGTH = "\r\ncontent-length:".getBytes(StandardCharsets.US_ASCII);

    public static void main(String[] args) throws IOException {
        ThreadFactory threads = switch (args[0]) {
            case "virtual" -> Thread.ofVirtual().name("hop-", 0).factory();
            case "platform" -> Thread.ofPlatform().name("hop-", 0).daemon().factory();
            default -> throw new IllegalArgumentException("virtual or platform, not " + args[0]);
        };
        InetAddress loopback = InetAddress.getLoopbackAddress();
        InetSocketAddress upstream = new InetSocketAddress(loopback, Integer.parseInt(args[2]));
        byte[] requestLine = ("POST " + args[3] + " HTTP/1.1\r\n").getBytes(StandardCharsets.US_ASCII);
        try (ServerSocket server = new ServerSocket(Integer.parseInt(args[1]), 1024, loopback)) {
            System.out.println("listening");
            while (true) {
                Socket client = server.accept();
                client.setTcpNoDelay(true);
                threads.newThread(new Relay(client, upstream, requestLine)).start();
            }
        }
    }

    /** One client connection and the upstream connection it keeps, exchange after exchange until either closes. */
    private static final class Relay implements Runnable {
        private final Socket client;
        private final InetSocketAddress upstreamAddress;
        private final byte[] requestLine;
        private final Message request = new Message();
        private final Message answer = new Message();

        Relay(Socket client, InetSocketAddress upstreamAddress, byte[] requestLine) {
            this.client = client;
            this.upstreamAddress = upstreamAddress;
            this.requestLine = requestLine;
        }

        @Override
        public void run() {
            try (client; Socket upstream = new Socket()) {
                upstream.setTcpNoDelay(true);
                upstream.connect(upstreamAddress);
                InputStream fromClient = client.getInputStream();
                OutputStream toClient = client.getOutputStream();
                InputStream fromUpstream = upstream.getInputStream();
                OutputStream toUpstream = upstream.getOutputStream();
                while (request.readFrom(fromClient)) {
                    request.writeWithRequestLine(requestLine, toUpstream);
                    if (!answer.readFrom(fromUpstream)) {
                        return;
                    }
                    answer.writeTo(toClient);
                }
            } catch (IOException closed) {
                // the client or the upstream went away: the connection ends, as a hop's would
            }
        }
    }

    /**
     * One HTTP/1.1 message with a {@code Content-Length} (or none, then no body), read whole into a growing buffer:
     * the bytes that arrived past its end belong to the next message and are kept for it.
     */
    private static final class Message {
        private byte[] buffer = new byte[16 * 1024];
        private int filled;
        private int length;

        /** Reads the next message; false when the peer closed between messages. */
        boolean readFrom(InputStream in) throws IOException {
            discardPrevious();
            int headEnd;
            while ((headEnd = find(buffer, filled, "\r\n\r\n")) < 0) {
                if (!fill(in)) {
                    if (filled == 0) {
                        return false;
                    }
                    throw new EOFException("closed inside a head");
                }
            }
            length = headEnd + 4 + contentLength(headEnd);
            while (filled < length) {
                if (!fill(in)) {
                    throw new EOFException("closed inside a body");
                }
            }
            return true;
        }

        void writeTo(OutputStream out) throws IOException {
            out.write(buffer, 0, length);
        }

        /** This message with its first line replaced: the upstream's path for the client's. */
        void writeWithRequestLine(byte[] requestLine, OutputStream out) throws IOException {
            int firstLineEnd = find(buffer, length, "\r\n") + 2;
            byte[] bytes = new byte[requestLine.length + length - firstLineEnd];
            System.arraycopy(requestLine, 0, bytes, 0, requestLine.length);
            System.arraycopy(buffer, firstLineEnd, bytes, requestLine.length, length - firstLineEnd);
            out.write(bytes);
        }

        private void discardPrevious() {
            System.arraycopy(buffer, length, buffer, 0, filled - length);
            filled -= length;
            length = 0;
        }

        private boolean fill(InputStream in) throws IOException {
            if (filled == buffer.length) {
                buffer = java.util.Arrays.copyOf(buffer, buffer.length * 2);
            }
            int read = in.read(buffer, filled, buffer.length - filled);
            if (read < 0) {
                return false;
            }
            filled += read;
            return true;
        }

        private int contentLength(int headEnd) {
            int name = indexOfIgnoringCase(buffer, headEnd, CONTENT_LENGTH);
            if (name < 0) {
                return 0;
            }
            int value = 0;
            for (int i = name + CONTENT_LENGTH.length; i < headEnd && buffer[i] != '\r'; i++) {
                if (buffer[i] >= '0' && buffer[i] <= '9') {
                    value = value * 10 + buffer[i] - '0';
                }
            }
            return value;
        }

        private static int find(byte[] bytes, int end, String ascii) {
            outer:
            for (int i = 0; i + ascii.length() <= end; i++) {
                for (int j = 0; j < ascii.length(); j++) {
                    if (bytes[i + j] != ascii.charAt(j)) {
                        continue outer;
                    }
                }
                return i;
            }
            return -1;
        }

        private static int indexOfIgnoringCase(byte[] bytes, int end, byte[] lowerCase) {
            outer:
            for (int i = 0; i + lowerCase.length <= end; i++) {
                for (int j = 0; j < lowerCase.length; j++) {
                    if ((bytes[i + j] | (Character.isLetter(lowerCase[j]) ? 0x20 : 0)) != lowerCase[j]) {
                        continue outer;
                    }
                }
                return i;
            }
            return -1;
        }
    }
}
