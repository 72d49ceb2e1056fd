package dev.creditledger.bench.measure;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads Linux's {@code /proc/<pid>/stat}: the parent pid and the CPU a process used, its own
 * (user + system, all threads) and that of the children it has waited for. Also lists a process's
 * descendants by scanning {@code /proc/*}{@code /stat}, and reads {@code VmRSS} and the load average.
 *
 * What can go wrong: outside Linux, or for a process that ended, the files are missing and the
 * methods answer empty; the tick length is read with {@code getconf CLK_TCK}, and 100 Hz (Linux's
 * value on every common architecture) is assumed if that fails.
 */
public final class ProcStat {

    public static final long CLOCK_TICKS_PER_SECOND_ASSUMED = 100;
    private static final double TICKS_PER_SECOND = clockTicks();

    /** CPU seconds: the process's own, and its waited-for children's. */
    public record Cpu(long pid, long parentPid, double ownSeconds, double childrenSeconds) {
        public double totalSeconds() {
            return ownSeconds + childrenSeconds;
        }
    }

    private ProcStat() {}

    public static Optional<Cpu> cpu(long pid) {
        try {
            var text = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // The command name (field 2) is in parentheses and may hold spaces: fields are counted after the last ')'.
            var fields = text.substring(text.lastIndexOf(')') + 2).trim().split(" ");
            // fields[0] is field 3 (state): ppid is field 4, utime 14, stime 15, cutime 16, cstime 17.
            long ppid = Long.parseLong(fields[1]);
            long utime = Long.parseLong(fields[11]);
            long stime = Long.parseLong(fields[12]);
            long cutime = Long.parseLong(fields[13]);
            long cstime = Long.parseLong(fields[14]);
            return Optional.of(new Cpu(pid, ppid, (utime + stime) / TICKS_PER_SECOND, (cutime + cstime) / TICKS_PER_SECOND));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /**
     * CPU seconds used so far by a JVM's JIT compiler threads (HotSpot names them "C1 CompilerThreadN" and "C2
     * CompilerThreadN"; Linux keeps the first 15 characters in {@code /proc/<pid>/task/<tid>/comm}). Threads that
     * ended are not counted, so compare two readings of threads that live as long as the JVM; 0 outside Linux.
     */
    public static double jitCompilerCpuSeconds(long pid) {
        double total = 0;
        try (var tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            for (var task : tasks.toList()) {
                try {
                    var name = Files.readString(task.resolve("comm")).trim();
                    if (name.startsWith("C1 CompilerThre") || name.startsWith("C2 CompilerThre")) {
                        var text = Files.readString(task.resolve("stat"));
                        var fields = text.substring(text.lastIndexOf(')') + 2).trim().split(" ");
                        total += (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / TICKS_PER_SECOND;
                    }
                } catch (IOException | RuntimeException e) {
                    // The thread ended between the listing and the read.
                }
            }
        } catch (IOException e) {
            return 0;
        }
        return total;
    }

    /**
     * CPU seconds of a process tree: the root's own and waited-for children's, plus the same for every
     * live descendant. A child that exits is folded into its parent's children figure when reaped, so
     * the sum only grows.
     */
    public static double treeCpuSeconds(long rootPid) {
        double total = cpu(rootPid).map(Cpu::totalSeconds).orElse(0.0);
        for (var d : descendants(rootPid)) {
            total += d.totalSeconds();
        }
        return total;
    }

    /** Every live descendant of a process (children, their children, ...). */
    public static List<Cpu> descendants(long rootPid) {
        List<Cpu> all = new ArrayList<>();
        try (var dirs = Files.list(Path.of("/proc"))) {
            dirs.map(p -> p.getFileName().toString()).filter(n -> n.chars().allMatch(Character::isDigit))
                    .forEach(n -> cpu(Long.parseLong(n)).ifPresent(all::add));
        } catch (IOException e) {
            return List.of();
        }
        List<Cpu> found = new ArrayList<>();
        var frontier = new java.util.ArrayDeque<Long>();
        frontier.add(rootPid);
        while (!frontier.isEmpty()) {
            long parent = frontier.poll();
            for (var c : all) {
                if (c.parentPid() == parent) {
                    found.add(c);
                    frontier.add(c.pid());
                }
            }
        }
        return found;
    }

    /** Resident set size in bytes ({@code VmRSS}), or -1. */
    public static long rssBytes(long pid) {
        try {
            for (var line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    var parts = line.substring(6).trim().split("\\s+");
                    return Long.parseLong(parts[0]) * 1024; // the unit is kB
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    /** The 1-, 5- and 15-minute load averages, or empty. */
    public static Optional<double[]> loadAverage() {
        try {
            var parts = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return Optional.of(new double[] {Double.parseDouble(parts[0]), Double.parseDouble(parts[1]), Double.parseDouble(parts[2])});
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private static double clockTicks() {
        try {
            var process = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
            var out = new String(process.getInputStream().readAllBytes()).trim();
            if (process.waitFor() == 0) {
                return Long.parseLong(out);
            }
        } catch (IOException | RuntimeException e) {
            // fall through to the assumed value
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return CLOCK_TICKS_PER_SECOND_ASSUMED;
    }
}
