package koboldj.launcher;

import java.io.IOException;

/** KoboldCpp's --onready: a shell command started once the server serves; its output is the server's. */
final class OnReadyCommand {

    private OnReadyCommand() {
    }

    static void run(String command) {
        if (command.isBlank()) {
            return;
        }
        try {
            new ProcessBuilder("sh", "-c", command).inheritIO().start();
        } catch (IOException e) {
            System.err.println("koboldj: --onready command failed to start: " + e.getMessage());
        }
    }
}
