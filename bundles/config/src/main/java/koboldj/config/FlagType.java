package koboldj.config;

/** How a flag reads its value, following KoboldCpp's argparse declarations. */
public enum FlagType {
    /** A string value. */
    TEXT,
    /** An http or https address, or empty. */
    URL,
    /** A file or folder that need not exist yet; made absolute. */
    PATH,
    /** A file or folder that must exist; made absolute. */
    FILE,
    /** One or more files that must exist (argparse nargs='+', a JSON list in .kcpps); made absolute, kept one per line. */
    FILES,
    /**
     * A model file that must exist (made absolute), or a bare name of an engine built into a bundle
     * instead of a file ({@code --ttsmodel espeak-ng}): letters, digits, '-' and '_', no dot, left as given.
     */
    MODEL,
    /** A whole number. */
    INTEGER,
    /** A decimal number. */
    NUMBER,
    /** On when present, takes no value (argparse store_true). */
    SWITCH,
    /** A whole number that may be left out: {@code --multiuser} means {@code --multiuser 1}. */
    OPTIONAL_INTEGER,
    /**
     * One or two numbers from 0 (argparse nargs='+' of floats, a JSON list in .kcpps), kept as
     * their text separated by a space: {@code --ropeconfig SCALE [BASE]}.
     */
    NUMBER_PAIR,
    /** llama.cpp's metadata override {@code KEY=TYPE:VALUE}, or empty (see {@link KvOverrideSyntax}). */
    KV_OVERRIDE,
    /** {@code PID.key=value}, repeatable: each use adds a line (see {@link PropertyAssignments}). */
    ASSIGNMENT
}
