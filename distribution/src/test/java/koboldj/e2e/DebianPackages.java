package koboldj.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Debian packages a test needs, installed with apt-get when a file of theirs is missing and this
 * process runs as root (as CI does on a fresh machine); elsewhere the test is told it cannot have them.
 */
final class DebianPackages {
    private DebianPackages() {
    }

    /** Whether {@code file} exists, after installing {@code packages} if it did not and this process may. */
    static boolean ensure(Path file, String... packages) throws IOException, InterruptedException {
        if (Files.exists(file)) {
            return true;
        }
        if (!"root".equals(System.getProperty("user.name")) || !Files.isExecutable(Path.of("/usr/bin/apt-get"))) {
            return false;
        }
        if (aptGet("install", packages) != 0) {
            aptGet("update"); // the package lists may be stale or absent on a fresh machine
            aptGet("install", packages);
        }
        return Files.exists(file);
    }

    private static int aptGet(String command, String... packages) throws IOException, InterruptedException {
        // another apt-get (a second test run, a person) may hold dpkg's lock for a while: wait for it
        List<String> line = new ArrayList<>(List.of("apt-get", "-o", "DPkg::Lock::Timeout=600", command, "-y", "-q"));
        line.addAll(List.of(packages));
        ProcessBuilder builder = new ProcessBuilder(line).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD);
        builder.environment().put("DEBIAN_FRONTEND", "noninteractive");
        Process process = builder.start();
        if (!process.waitFor(15, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            return -1;
        }
        return process.exitValue();
    }
}
