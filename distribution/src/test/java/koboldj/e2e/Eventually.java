package koboldj.e2e;

/**
 * Waits for what a running server does a moment later. Public and free of other types, so the
 * Pax Exam tests (koboldj.it) use it inside the framework as well.
 */
public final class Eventually {

    /** A condition that may fail while it is checked. */
    public interface Check {
        boolean test() throws Exception;
    }

    private Eventually() {
    }

    /** Whether {@code check} holds within {@code millis}, polled every 50 ms. */
    public static boolean within(long millis, Check check) throws Exception {
        long deadline = System.currentTimeMillis() + millis;
        while (System.currentTimeMillis() < deadline) {
            if (check.test()) {
                return true;
            }
            Thread.sleep(50);
        }
        return false;
    }
}
