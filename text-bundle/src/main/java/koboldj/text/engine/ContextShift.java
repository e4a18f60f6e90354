package koboldj.text.engine;

/** Finds how many cached tokens a client dropped from the front of its prompt. */
final class ContextShift {

    private ContextShift() {
    }

    /**
     * Cache and prompt agree on their first {@code keep} tokens. Returns the smallest {@code d > 0}
     * such that {@code cache[keep + d ...]} equals {@code prompt[keep ...]} for at least
     * {@code minMatch} tokens; 0 if there is none. The match need not run to the end: text the
     * client appended may tokenize differently where it joins, and what matches is still reused.
     */
    static int findDropped(IntList cache, int keep, int[] prompt, int minMatch) {
        int first = prompt[keep];
        for (int d = 1; keep + d + minMatch <= cache.size(); d++) {
            if (cache.get(keep + d) != first) {
                continue;
            }
            int length = 1;
            while (keep + d + length < cache.size() && keep + length < prompt.length
                    && cache.get(keep + d + length) == prompt[keep + length]) {
                length++;
            }
            if (length >= minMatch) {
                return d;
            }
        }
        return 0;
    }
}
