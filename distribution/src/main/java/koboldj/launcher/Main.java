package koboldj.launcher;

import java.nio.file.Path;
import java.util.List;

import koboldj.config.CommandLine;
import koboldj.config.FlagException;
import koboldj.config.Flags;
import koboldj.config.StartupStages;

/**
 * {@code bin/koboldj}: reads KoboldCpp's flags, starts the OSGi container with them, and stays
 * until the container stops. Exit codes: 0 clean stop, 1 failed to start, 2 bad command line.
 */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) {
        long started = System.nanoTime();
        CommandLine commandLine;
        try {
            commandLine = CommandLine.parse(List.of(args), Path.of("").toAbsolutePath());
        } catch (FlagException e) {
            System.err.println("koboldj: " + e.getMessage());
            System.exit(2);
            return;
        }
        switch (commandLine.action()) {
            case HELP -> System.out.print(Flags.help());
            case VERSION -> System.out.println("koboldj " + Installation.version());
            case RUN -> {
                if (commandLine.settings().integer("debugmode") > 0) {
                    StartupStages.enable();
                    StartupStages.reached("launcher main (JVM started; " + AotCacheState.describe() + ")");
                }
                OldGenerationGovernor.install();
                System.exit(new Server(Installation.locate(), commandLine.settings(), started).run());
            }
        }
    }
}
