package dev.ccrouter.api.anthropic;

import com.fasterxml.jackson.core.JsonFactoryBuilder;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Jackson whose working buffers (26 KB a set: two 4,000-char arrays, an 8,000- and a 2,000-byte array) come from one
 * bounded pool shared by all threads ({@link JsonBufferPool}). Jackson's default keeps one set per thread for as long
 * as the thread lives; a stream's virtual thread lives as long as the stream, so every open stream held a set while it
 * waited on the network (measured: 1,000 slow streams, 1,000 sets, a fifth of their heap). From the shared pool a set
 * is held only while a document is being read or written.
 */
public final class JsonBuffers {
    private static final JsonBufferPool POOL = new JsonBufferPool();

    private JsonBuffers() {
    }

    /** A factory builder whose parsers and generators borrow their buffers from the shared pool. */
    public static JsonFactoryBuilder factory() {
        return new JsonFactoryBuilder().recyclerPool(POOL);
    }

    /** An {@link ObjectMapper} over such a factory. */
    public static ObjectMapper mapper() {
        return new ObjectMapper(factory().build());
    }
}
