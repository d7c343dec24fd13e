package dev.ccrouter.cli;

import io.helidon.logging.common.spi.LoggingProvider;

/**
 * Tells Helidon that logging is taken care of (by {@link LogSetup}, with java.util.logging bridged to SLF4J), so it
 * neither configures java.util.logging itself nor prints that it found no logging implementation.
 */
public final class HelidonLogging implements LoggingProvider {

    @Override
    public void initialization() {
        // configured by LogSetup when SLF4J first starts
    }

    @Override
    public void runTime() {
        // nothing changes at run time
    }
}
