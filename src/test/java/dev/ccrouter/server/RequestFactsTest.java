package dev.ccrouter.server;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RequestFactsTest {
    @Test
    void anEventStreamIsKnownByItsMediaTypeWhateverItsParametersAndCase() {
        assertThat(RequestFacts.isEventStream("text/event-stream; charset=utf-8")).isTrue();
        assertThat(RequestFacts.isEventStream("Text/Event-Stream")).isTrue();
        assertThat(RequestFacts.isEventStream(" text/event-stream ;charset=utf-8")).isTrue();
        assertThat(RequestFacts.isEventStream("application/json")).isFalse();
        assertThat(RequestFacts.isEventStream("text/event-streams")).isFalse();
        assertThat(RequestFacts.isEventStream("text/event")).isFalse();
    }
}
