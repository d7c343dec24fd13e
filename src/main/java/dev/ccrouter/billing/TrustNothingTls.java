package dev.ccrouter.billing;

import java.security.SecureRandom;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLContextSpi;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocketFactory;
import javax.net.ssl.SSLSessionContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;

/**
 * A TLS context that refuses every use, for an HTTP client that fetches from an http URL: the JDK's client makes the
 * default context when given none, which loads and parses the whole trust store (megabytes of certificates kept in
 * the heap) for a catalog that never uses TLS. Even a JSSE context that trusts nothing set up its cipher suites and
 * the SunJCE provider, ≈ 1.3 MB of garbage in the young generation of a gateway that has just started (its pages stay
 * resident while it idles, docs/benchmarks.md "Idle under 100 MB"), so this one is not JSSE's at all. Should the http
 * URL redirect to https, the connection fails and the fetch fails like any other.
 */
final class TrustNothingTls {
    private TrustNothingTls() {
    }

    /** The context; give the client {@link #parameters()} too, or it asks the context for its default parameters. */
    static SSLContext context() {
        return new SSLContext(new Refusing(), null, "TLS") { };
    }

    /** Parameters for the client beside {@link #context()}: no protocol or cipher suite, since none is ever used. */
    static SSLParameters parameters() {
        return new SSLParameters(new String[0], new String[0]);
    }

    private static final class Refusing extends SSLContextSpi {
        @Override
        protected void engineInit(KeyManager[] keys, TrustManager[] trust, SecureRandom random) {
        }

        @Override
        protected SSLSocketFactory engineGetSocketFactory() {
            throw refused();
        }

        @Override
        protected SSLServerSocketFactory engineGetServerSocketFactory() {
            throw refused();
        }

        @Override
        protected SSLEngine engineCreateSSLEngine() {
            throw refused();
        }

        @Override
        protected SSLEngine engineCreateSSLEngine(String host, int port) {
            throw refused();
        }

        @Override
        protected SSLSessionContext engineGetServerSessionContext() {
            throw refused();
        }

        @Override
        protected SSLSessionContext engineGetClientSessionContext() {
            throw refused();
        }

        private static UnsupportedOperationException refused() {
            return new UnsupportedOperationException("this client fetches over http only");
        }
    }
}
