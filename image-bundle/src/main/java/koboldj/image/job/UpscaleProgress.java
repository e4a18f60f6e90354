package koboldj.image.job;

/** What a model upscale reports tile by tile, for /sdapi/v1/progress, and asks before each tile: whether to give up. */
interface UpscaleProgress {
    /** Reports nothing and never stops. */
    UpscaleProgress NONE = new UpscaleProgress() {
        @Override
        public boolean stopped() {
            return false;
        }

        @Override
        public void tiles(int pass, int passes, int done, int tiles) {
            // nobody asks
        }
    };

    /** Whether to give up before the next tile. */
    boolean stopped();

    /** Pass {@code pass} (from 0) of {@code passes}: {@code done} of its {@code tiles} tiles are done, 0 when it begins. */
    void tiles(int pass, int passes, int done, int tiles);
}
