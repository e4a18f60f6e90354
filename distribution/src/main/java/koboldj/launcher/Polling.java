package koboldj.launcher;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Start-up waits: a condition checked again and again until it holds or the time is up. */
final class Polling {
    private Polling() {
    }

    /** True once {@code done} held; false if {@code timeout} passed first or the thread was interrupted. */
    static boolean until(Duration timeout, Duration interval, BooleanSupplier done) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (done.getAsBoolean()) {
                return true;
            }
            try {
                Thread.sleep(interval);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return false;
    }
}
