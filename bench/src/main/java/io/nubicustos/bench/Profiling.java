package io.nubicustos.bench;

import jdk.jfr.Configuration;
import jdk.jfr.Recording;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.ParseException;

/** One JFR recording per row (the "profile" settings: execution samples every 10 ms, locks, I/O), when asked for. */
final class Profiling implements AutoCloseable {

    private final Recording recording;
    private final Path file;

    private Profiling(Recording recording, Path file) {
        this.recording = recording;
        this.file = file;
    }

    static Profiling start(String directory, String row) {
        if (directory == null || directory.isBlank()) {
            return new Profiling(null, null);
        }
        try {
            Path dir = Files.createDirectories(Path.of(directory));
            Recording recording = new Recording(Configuration.getConfiguration("profile"));
            recording.setName(row);
            recording.start();
            return new Profiling(recording, dir.resolve(row + ".jfr"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (ParseException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        if (recording == null) {
            return;
        }
        try {
            recording.stop();
            recording.dump(file);
            recording.close();
            System.out.println("profile of this row: " + file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
