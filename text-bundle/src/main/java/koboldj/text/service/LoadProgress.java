package koboldj.text.service;

import java.util.function.DoubleConsumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Logs model-loading progress in quarters, so a large model shows it is moving. */
public final class LoadProgress implements DoubleConsumer {
    private static final Logger LOG = LoggerFactory.getLogger(LoadProgress.class);
    private final String name;
    private int quarter;

    public LoadProgress(String name) {
        this.name = name;
    }

    @Override
    public void accept(double value) {
        int reached = (int) (value * 4);
        if (reached > quarter) {
            quarter = reached;
            LOG.info("Loading {}: {}%", name, reached * 25);
        }
    }
}
