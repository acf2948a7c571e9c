package io.nubicustos.standalone;

import io.nubicustos.testsupport.StandIns;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** Standalone launcher processes started by a test (so that they can be killed with SIGKILL), and their clean-up. */
final class ChildProcesses implements AutoCloseable {

    private final Path directory;
    private final List<Process> processes = new ArrayList<>();

    ChildProcesses(Path directory) {
        this.directory = directory;
    }

    /** What a launched system needs: its data directory, free ports, and quick sweeps (a test adds its own settings). */
    static Map<String, String> environment(Path data) {
        Map<String, String> env = new java.util.HashMap<>();
        env.put("NUBICUSTOS_DATA_DIR", data.toString());
        for (String port : new String[] {"PORT", "WORKER_PORT", "PROCESSOR_PORT", "KAFKA_PORT", "KAFKA_CONTROLLER_PORT", "EMBEDDED_POSTGRES_PORT"}) {
            env.put(port, Integer.toString(Ports.free()));
        }
        env.put("NUBICUSTOS_PROCESSOR_SWEEPINTERVAL", "1s");
        env.put("NUBICUSTOS_WORKER_POLLINTERVAL", "500ms");
        return env;
    }

    /** Runs {@link NubicustosStandalone} in a new JVM with only {@code env} (no inherited Nubicustos settings). */
    Process launch(Map<String, String> env, String logName) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        ProcessBuilder builder = new ProcessBuilder(java, "-Xmx512m", "-cp", System.getProperty("java.class.path"),
                NubicustosStandalone.class.getName())
                .directory(directory.toFile())
                .redirectErrorStream(true)
                .redirectOutput(directory.resolve(logName).toFile());
        builder.environment().keySet().removeIf(k -> k.startsWith("DATABASE_") || k.startsWith("KAFKA_") || k.startsWith("NUBICUSTOS_")
                || k.equals("WORKER_ID") || k.equals("PORT"));
        builder.environment().putAll(env);
        // why: like the test JVM's own systems, a launched one plans and runs the stand-ins, never a real tool's image
        builder.environment().putIfAbsent("NUBICUSTOS_CATALOG_OVERLAY", StandIns.overlay().toString());
        builder.environment().putIfAbsent("NUBICUSTOS_ALLOW_STANDINS", "true");
        Process process = builder.start();
        processes.add(process);
        return process;
    }

    /** The last lines a process logged, for assertion messages. */
    String log(String name) {
        try {
            List<String> lines = Files.readAllLines(directory.resolve(name));
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    @Override
    public void close() throws Exception {
        for (Process p : processes) {
            if (p.isAlive()) {
                p.destroy();
                if (!p.waitFor(30, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            }
        }
        // a postmaster orphaned by a killed launcher must not outlive the test
        Path pid = directory.resolve("postgres/postmaster.pid");
        if (Files.exists(pid)) {
            Optional<ProcessHandle> postmaster = ProcessHandle.of(Long.parseLong(Files.readAllLines(pid).get(0).trim()));
            postmaster.ifPresent(ProcessHandle::destroy);
        }
    }
}
