package dev.ccrouter.billing;

import java.security.GeneralSecurityException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * A TLS context that trusts no server, for an HTTP client that fetches from an http URL: the JDK's client makes the
 * default context when given none, which loads and parses the whole trust store (megabytes of certificates kept in
 * the heap) for a catalog that never uses TLS. Should the http URL redirect to https, the handshake fails and the fetch
 * fails like any other, without the trust store.
 */
final class TrustNothingTls {
    private TrustNothingTls() {
    }

    static SSLContext context() {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            // No key managers (no key store read either) and a trust manager that refuses every certificate.
            context.init(new KeyManager[0], new TrustManager[] {new RefuseEveryCertificate()}, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK has no TLS", e);
        }
    }

    private static final class RefuseEveryCertificate implements X509TrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            throw new CertificateException("this client fetches over http only");
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            throw new CertificateException("this client fetches over http only");
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
