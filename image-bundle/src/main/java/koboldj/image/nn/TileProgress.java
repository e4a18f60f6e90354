package koboldj.image.nn;

import java.util.function.BooleanSupplier;

/** What a network run tile by tile reports after each tile, and asks before the next: whether to give up. */
public interface TileProgress {

    /** Whether to give up before the next tile. */
    boolean stopped();

    /** {@code done} of the picture's {@code tiles} tiles are done; called with 0 before the first. */
    void tiles(int done, int tiles);

    /** Reports nothing; stops when {@code stopped} says so. */
    static TileProgress stoppedBy(BooleanSupplier stopped) {
        return new TileProgress() {
            @Override
            public boolean stopped() {
                return stopped.getAsBoolean();
            }

            @Override
            public void tiles(int done, int tiles) {
                // nobody asks
            }
        };
    }
}
