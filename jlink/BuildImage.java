import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.spi.ToolProvider;
import java.util.stream.Stream;

/**
 * Links the loomftp runtime image. Run by Maven (exec-maven-plugin) with the toolchain's JDK as a
 * single-file program, so the image is made by JDK 25's own jlink whatever JDK runs Maven.
 *
 * <p>Steps: link the modules listed in {@code jlink/modules.txt} plus the application, install
 * {@code jlink/loomftp.sh} as {@code bin/loomftp}, then record an ahead-of-time cache of the classes
 * and JIT profiles of a training run ({@code lib/loomftp.aot}), which the launcher uses when present.
 */
public final class BuildImage {

    public static void main(String[] args) throws Exception {
        Map<String, String> options = parse(args);
        Path classes = Path.of(options.get("classes"));
        Path modules = Path.of(options.get("modules"));
        Path output = Path.of(options.get("output"));
        Path jlinkDir = Path.of(options.get("jlink-dir"));
        String module = options.get("module");
        String mainClass = options.get("main-class");

        deleteTree(output);
        List<String> addModules = new ArrayList<>(List.of(module));
        addModules.addAll(readList(jlinkDir.resolve("modules.txt")));
        List<String> jarsNeed = readList(jlinkDir.resolve("jars-modules.txt"));
        addModules.addAll(jarsNeed);
        List<String> jlinkArgs = new ArrayList<>(List.of(
                "--module-path", classes + java.io.File.pathSeparator + modules,
                "--add-modules", String.join(",", addModules),
                // JLine's JNI terminal provider loads jline-native's library, and loomftp reads
                // folders with getdents64 through the FFM API: without this, the JDK warns when
                // the interactive client starts or a folder's names are first listed.
                "--add-options=--enable-preview --enable-native-access=dev.loomftp,org.jline.nativ,org.jline.terminal.jni",
                "--strip-debug",
                "--no-header-files",
                "--no-man-pages",
                "--compress", "zip-6",
                "--output", output.toString()));
        run("jlink", jlinkArgs);
        List<String> external = placeExternalModules(output, modules);

        Path launcher = output.resolve("bin/loomftp");
        String script = Files.readString(jlinkDir.resolve("loomftp.sh"))
                .replace("@MODULE@", module)
                .replace("@JARS_NEED@", String.join(",", jarsNeed))
                .replace("@MAIN_CLASS@", mainClass);
        Files.writeString(launcher, script);
        Files.setPosixFilePermissions(launcher, PosixFilePermissions.fromString("rwxr-xr-x"));

        trainAheadOfTimeCache(output, module, mainClass, external.isEmpty() ? List.of()
                : List.of("--module-path", output.resolve("lib/jars").toString(),
                        "--add-modules", "ALL-MODULE-PATH," + String.join(",", jarsNeed)));
        if (!external.isEmpty()) {
            System.out.println("lib/jars: " + String.join(", ", external));
        }
        System.out.println("image: " + output + " (" + sizeOf(output) / (1024 * 1024) + " MiB)");
    }

    /**
     * Runs the image once with {@code -XX:AOTCacheOutput} (JEP 483 and 514) on a start that loads
     * the configuration, serves one FTPS session and types a line into the client shell, so later
     * starts map those classes already loaded and linked, with the profiles the JIT gathered,
     * instead of parsing them from the module image. The cache serves only the options it was
     * made with: the collector and the object header layout must be the launcher's.
     */
    private static void trainAheadOfTimeCache(Path image, String module, String mainClass, List<String> modulePath)
            throws IOException, InterruptedException {
        Path cache = image.resolve("lib/loomftp.aot");
        Path java = image.resolve("bin/java");
        List<String> command = new ArrayList<>(List.of(java.toString(),
                "-XX:AOTCacheOutput=" + cache, "-XX:+UseSerialGC", "-XX:+UseCompactObjectHeaders", "-Xlog:aot=warning"));
        // The launcher's module path: a cache serves only the module path it was made with.
        command.addAll(modulePath);
        command.addAll(List.of("-m", module + "/" + mainClass, "--aot-training"));
        var process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int exit = process.waitFor();
        if (exit != 0 || !Files.exists(cache)) {
            System.out.println("note: no AOT cache recorded (exit " + exit + "); the image starts without it");
            System.out.print(output);
            Files.deleteIfExists(cache);
        }
    }

    /**
     * Copies the jars of the modules jlink could not link into {@code lib/jars}: automatic modules
     * (the AWS SDK's jars have no module descriptor, and jlink takes only real modules) and the
     * modules that only they need. The launcher puts that folder on the module path.
     *
     * @return the names of the modules placed there
     */
    private static List<String> placeExternalModules(Path image, Path modules) throws IOException {
        java.util.Set<String> linked = new java.util.HashSet<>();
        try (var jimage = java.nio.file.FileSystems.newFileSystem(java.net.URI.create("jrt:/"),
                Map.of("java.home", image.toString()))) {
            try (Stream<Path> names = Files.list(jimage.getPath("/modules"))) {
                names.forEach(name -> linked.add(name.getFileName().toString()));
            }
        }
        List<String> placed = new ArrayList<>();
        Path ext = image.resolve("lib/jars");
        try (Stream<Path> jars = Files.list(modules)) {
            for (Path jar : jars.filter(path -> path.toString().endsWith(".jar")).sorted().toList()) {
                for (var reference : java.lang.module.ModuleFinder.of(jar).findAll()) {
                    String name = reference.descriptor().name();
                    if (!linked.contains(name)) {
                        Files.createDirectories(ext);
                        Files.copy(jar, ext.resolve(jar.getFileName()));
                        placed.add(name);
                    }
                }
            }
        }
        return placed;
    }

    private static void run(String tool, List<String> args) {
        ToolProvider provider = ToolProvider.findFirst(tool)
                .orElseThrow(() -> new IllegalStateException(tool + " is not in this JDK"));
        var output = new java.io.ByteArrayOutputStream();
        var printer = new java.io.PrintStream(output, true, StandardCharsets.UTF_8);
        int exit = provider.run(printer, printer, args.toArray(String[]::new));
        if (exit != 0) {
            System.err.print(output.toString(StandardCharsets.UTF_8));
            throw new IllegalStateException(tool + " failed with exit code " + exit);
        }
    }

    private static List<String> readList(Path file) throws IOException {
        return Files.readAllLines(file).stream()
                .map(String::strip)
                .filter(line -> !line.isEmpty() && !line.startsWith("#"))
                .toList();
    }

    private static Map<String, String> parse(String[] args) {
        Map<String, String> options = new HashMap<>();
        for (String arg : args) {
            int eq = arg.indexOf('=');
            if (!arg.startsWith("--") || eq < 0) {
                throw new IllegalArgumentException("expected --name=value, got " + arg);
            }
            options.put(arg.substring(2, eq), arg.substring(eq + 1));
        }
        return options;
    }

    /** Deletes a tree without following symbolic links out of it. */
    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> {
                try {
                    Files.delete(path);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }

    private static long sizeOf(Path root) throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            return paths.filter(Files::isRegularFile).mapToLong(path -> path.toFile().length()).sum();
        }
    }
}
