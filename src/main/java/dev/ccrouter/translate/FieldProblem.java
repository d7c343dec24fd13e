package dev.ccrouter.translate;

/**
 * A validation failure at a path relative to the node being read. Each enclosing level adds its own segment on
 * the way out ({@link #under(String)}, {@link #under(int)}), so field paths are only ever built when a body is
 * actually invalid: the valid path allocates nothing for them.
 */
final class FieldProblem extends RuntimeException {
    private final String path;

    private FieldProblem(String path, String problem) {
        super(problem, null, false, false);
        this.path = path;
    }

    /** A problem with {@code field} of the node being read. */
    static FieldProblem at(String field, String problem) {
        return new FieldProblem(field, problem);
    }

    /** A problem with the node being read itself. */
    static FieldProblem here(String problem) {
        return new FieldProblem("", problem);
    }

    FieldProblem under(String field) {
        return new FieldProblem(path.isEmpty() ? field : field + "." + path, getMessage());
    }

    FieldProblem under(int index) {
        return under(Integer.toString(index));
    }

    /** The client-facing form, e.g. {@code messages.1.content.0.text: Field required}; the root is called {@code body}. */
    InvalidRequestException toInvalidRequest() {
        return new InvalidRequestException((path.isEmpty() ? "body" : path) + ": " + getMessage());
    }
}
