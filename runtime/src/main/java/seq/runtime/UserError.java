package seq.runtime;

/**
 * An error caused by the user's input (a bad file, a wrong shape, ...). Its message is shown to the
 * user as-is on one line, so it names the file, the problem and what to do about it.
 */
public class UserError extends RuntimeException {
    public UserError(String message) {
        super(message);
    }

    public UserError(String message, Throwable cause) {
        super(message, cause);
    }
}
