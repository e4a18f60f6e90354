package koboldj.text.service;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** llama.cpp's log lines, in the server log under "llama". */
public final class LlamaLog {
    private static final Logger LOG = LoggerFactory.getLogger("llama");

    private LlamaLog() {
    }

    /** @param level ggml_log_level: 1 debug, 2 info, 3 warn, 4 error */
    public static void write(int level, String line) {
        switch (level) {
            case 4 -> LOG.error(line);
            case 3 -> LOG.warn(line);
            case 2 -> LOG.debug(line);
            default -> LOG.trace(line);
        }
    }
}
