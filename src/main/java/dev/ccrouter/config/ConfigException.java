package dev.ccrouter.config;

/** A setting that cannot be used; the message says which one and why, and is shown to the user as is. */
public final class ConfigException extends RuntimeException {
    public ConfigException(String message) {
        super(message);
    }
}
