package dev.ccrouter.config;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;

/**
 * Why a file or directory could not be read or made, in words: the JDK's message for a denied or missing file is the
 * path alone, and its system reasons begin with a capital ("Not a directory") mid-sentence.
 */
final class FileFailures {
    private FileFailures() {
    }

    static String reason(IOException e) {
        return switch (e) {
            case AccessDeniedException denied -> "permission denied";
            case NoSuchFileException missing -> "no such file or directory";
            case FileSystemException other when other.getReason() != null -> lowerFirst(other.getReason());
            default -> e.getMessage();
        };
    }

    private static String lowerFirst(String reason) {
        return reason.isEmpty() ? reason : Character.toLowerCase(reason.charAt(0)) + reason.substring(1);
    }
}
