package koboldj.image.job;

import koboldj.api.image.ImageRequest;

/**
 * KoboldCpp's --sdclamped and --sdclampedsoft: a request larger than them is not refused but scaled
 * down, keeping its aspect as closely as whole multiples allow, as KoboldCpp's sd_fix_resolution does.
 * The longest side is held to {@code side}; then width x height to {@code area} squared.
 *
 * @param side the longest side in pixels, 0 for no limit
 * @param area the side of the square whose area is the limit, 0 for none
 */
public record SizeClamp(int side, int area) {
    public static final SizeClamp NONE = new SizeClamp(0, 0);
    private static final int SMALLEST = 64;

    public SizeClamp {
        if (side < 0 || area < 0) {
            throw new IllegalArgumentException("--sdclamped and --sdclampedsoft are 0 (off) or a size, not " + side + " and " + area);
        }
        side = side == 0 ? 0 : Math.max(SMALLEST, side);
        area = area == 0 ? 0 : Math.max(SMALLEST, area);
    }

    /**
     * {@code request} at the size it may have, its sides multiples of {@code multiple}; the same request when it
     * fits (sizes that are not multiples are left for the engine to refuse, naming the field).
     */
    ImageRequest apply(ImageRequest request, int multiple) {
        int width = request.width();
        int height = request.height();
        if (this.equals(NONE) || width < SMALLEST || height < SMALLEST || width % multiple != 0 || height % multiple != 0) {
            return request;
        }
        int[] sides = fit(Math.max(width, height), Math.min(width, height), multiple);
        int newWidth = width >= height ? sides[0] : sides[1];
        int newHeight = width >= height ? sides[1] : sides[0];
        if (newWidth == width && newHeight == height) {
            return request;
        }
        return new ImageRequest(request.prompt(), request.negativePrompt(), newWidth, newHeight, request.steps(),
                request.cfgScale(), request.seed(), request.sampler(), request.scheduler(), request.batchSize(),
                request.iterations(), request.clipSkip(), request.img2img(), request.schedulerFields(), request.hires());
    }

    /** The long and short side after both limits. */
    private int[] fit(int longSide, int shortSide, int multiple) {
        double ratio = (double) longSide / shortSide;
        if (side > 0) {
            int limit = Math.max(multiple, side / multiple * multiple);
            if (longSide > limit) {
                int scaled = (int) (shortSide * (double) limit / longSide);
                longSide = limit;
                shortSide = scaled <= SMALLEST ? SMALLEST : closer(longSide, down(scaled, multiple), up(scaled, multiple), ratio);
            }
        }
        long areaLimit = (long) area * area;
        if (area > 0 && (long) longSide * shortSide > areaLimit) {
            double scale = Math.sqrt((double) areaLimit / ((long) longSide * shortSide));
            int newShort = (int) (shortSide * scale);
            int newLong = (int) (longSide * scale);
            if (newShort <= SMALLEST) {
                shortSide = SMALLEST;
                longSide = down((int) (areaLimit / SMALLEST), multiple);
            } else {
                // rounding one side up may still fit and keep the aspect better
                longSide = down(newLong, multiple);
                shortSide = down(newShort, multiple);
                double best = Math.abs((double) longSide / shortSide - ratio);
                int[][] candidates = {{down(newLong, multiple), up(newShort, multiple)}, {up(newLong, multiple), down(newShort, multiple)}};
                for (int[] candidate : candidates) {
                    double off = Math.abs((double) candidate[0] / candidate[1] - ratio);
                    if ((long) candidate[0] * candidate[1] < areaLimit && off < best) {
                        longSide = candidate[0];
                        shortSide = candidate[1];
                        best = off;
                    }
                }
            }
        }
        return new int[] {Math.max(SMALLEST, longSide), Math.max(SMALLEST, shortSide)};
    }

    /** Whichever short side keeps {@code longSide / short} nearer the asked ratio. */
    private static int closer(int longSide, int down, int up, double ratio) {
        return (double) longSide / down - ratio < ratio - (double) longSide / up ? down : up;
    }

    private static int down(int value, int multiple) {
        return value / multiple * multiple;
    }

    private static int up(int value, int multiple) {
        return (value + multiple - 1) / multiple * multiple;
    }
}
