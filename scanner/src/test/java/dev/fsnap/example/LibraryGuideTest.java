package dev.fsnap.example;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What docs/library.md shows a program's author works as shown: every Java snippet compiles
 * against the library; its pom, with the planner's source, builds with the Maven on the PATH
 * against this build's own jars, and the program runs; the pom pins what a stock Maven 3.8 would
 * otherwise get wrong, and the page names every dependency the scanner needs at run time.
 */
class LibraryGuideTest {
    static final Path GUIDE = Path.of("..", "docs", "library.md");

    @TempDir
    Path dir;

    /** The fenced blocks of a language in the guide, in order. */
    static List<String> blocks(String language) throws IOException {
        List<String> out = new ArrayList<>();
        Matcher m = Pattern.compile("(?s)```" + language + "\n(.*?)```\n").matcher(Files.readString(GUIDE));
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }

    /**
     * What a snippet may take from the text around it: {@code options} (a scan's options),
     * {@code entry}, {@code change}, shard {@code k}, the merge's {@code parts}, and an {@code alarm}.
     * Each snippet is the body of a method of its own; what it declares shadows these.
     */
    private static final String CONTEXT = """
            import dev.fsnap.repository.*;
            import dev.fsnap.scan.*;
            import dev.fsnap.signature.*;
            import dev.fsnap.snapshot.*;
            import java.nio.charset.StandardCharsets;
            import java.nio.file.Files;
            import java.nio.file.Path;
            import java.time.Duration;
            import java.time.Instant;
            import java.time.ZoneId;
            import java.util.EnumMap;
            import java.util.HexFormat;
            import java.util.List;
            import java.util.Map;
            import java.util.Optional;
            import java.util.stream.Stream;

            @SuppressWarnings("unused")
            final class Snippets {
                static ScanOptions options;
                static Entry entry;
                static Change change;
                static int k;
                static List<Path> parts;

                static void alarm(String message) {
                }
            """;

    @Test
    void everyJavaSnippetOfTheGuideCompilesAgainstTheLibrary() throws IOException, InterruptedException {
        List<String> java = blocks("java");
        assertTrue(java.size() >= 6, "the guide's Java blocks: " + java.size());
        StringBuilder snippets = new StringBuilder(CONTEXT);
        List<Path> sources = new ArrayList<>();
        int n = 0;
        for (String block : java) {
            if (block.startsWith("package ")) { // a whole compilation unit
                Matcher name = Pattern.compile("public (?:final )?class (\\w+)").matcher(block);
                assertTrue(name.find(), block);
                Path unit = dir.resolve("src").resolve(name.group(1) + ".java");
                Files.createDirectories(unit.getParent());
                sources.add(Files.writeString(unit, block));
            } else {
                snippets.append("    static void snippet").append(++n).append("() throws Exception {\n")
                        .append(block).append("    }\n");
            }
        }
        sources.add(Files.writeString(dir.resolve("Snippets.java"), snippets.append("}\n")));

        // As ModuleBoundaryTest compiles its programs: the JDK's javac, on the test's class path.
        List<String> args = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "javac").toString(),
                "--release", "17", "-classpath", System.getProperty("java.class.path"),
                "-d", Files.createDirectories(dir.resolve("classes")).toString()));
        sources.forEach(f -> args.add(f.toString()));
        Process javac = new ProcessBuilder(args).redirectErrorStream(true).start();
        String diagnostics = new String(javac.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(javac.waitFor(120, TimeUnit.SECONDS), "javac did not finish");
        assertEquals(0, javac.exitValue(), "docs/library.md's snippets do not compile:\n" + diagnostics
                + "\nas compiled:\n" + snippets);
    }

    @Test
    void thePomPinsTheCompilerForJava17AndThePageNamesEveryRuntimeDependency() throws Exception {
        List<String> xml = blocks("xml");
        assertEquals(1, xml.size(), "one pom");
        String pom = xml.get(0);
        String compiler = plugin(pom, "maven-compiler-plugin");
        assertFalse(tag(compiler, "version").isEmpty(),
                "the compiler plugin's version: Maven 3.8's default, 3.1, compiles for Java 5");
        assertEquals("17", tag(compiler, "release"));
        String version = tag(Files.readString(Path.of("..", "pom.xml")).replaceFirst("(?s)<dependencyManagement>.*", ""),
                "version");
        assertTrue(dependencies(pom).contains("dev.fsnap:fsnap-scanner:" + version), dependencies(pom).toString());

        String guide = Files.readString(GUIDE);
        for (String d : runtime(Path.of("."))) {
            assertTrue(guide.contains(d), "docs/library.md must name the scanner's run-time dependency " + d);
        }
    }

    @Test
    void thePomBuildsTheGuidesPlannerWithMavenAgainstThisBuildAndItRuns() throws Exception {
        Path mvn = Stream.of(System.getenv("PATH").split(":")).map(d -> Path.of(d, "mvn")).filter(Files::isExecutable)
                .findFirst().orElse(null);
        Assumptions.assumeTrue(mvn != null, "no mvn on the PATH");
        Path project = Files.createDirectories(dir.resolve("planner"));
        Files.writeString(project.resolve("pom.xml"), blocks("xml").get(0));
        String planner = blocks("java").stream().filter(b -> b.startsWith("package ")).findFirst().orElseThrow();
        Files.writeString(Files.createDirectories(project.resolve("src/main/java/dev/fsnap/example"))
                .resolve("BackupPlanner.java"), planner);

        // A local repository of the test's own (kept in target/ to spare downloads on later runs): this
        // build's jars are put in it as installed, from the modules' target/classes, never from ~/.m2, where
        // an older install may be; everything else comes from ~/.m2 (read as a repository, never written)
        // or, failing that, from Maven Central.
        Path repo = Files.createDirectories(Path.of("target", "library-guide-repository").toAbsolutePath());
        String version = tag(Files.readString(Path.of("..", "pom.xml")).replaceFirst("(?s)<dependencyManagement>.*", ""),
                "version");
        stage(repo, "fsnap-parent", version, Path.of("..", "pom.xml"), null);
        stage(repo, "fsnap-scanner", version, Path.of("pom.xml"), Path.of("target", "classes"));
        stage(repo, "fsnap-native-bindings", version, Path.of("..", "native-bindings", "pom.xml"),
                Path.of("..", "native-bindings", "target", "classes"));
        Path m2 = Path.of(System.getProperty("user.home"), ".m2", "repository");
        Files.writeString(project.resolve("settings.xml"), """
                <settings>
                  <profiles><profile><id>here</id>
                    <repositories><repository><id>m2</id><url>%1$s</url>
                      <snapshots><enabled>false</enabled></snapshots></repository></repositories>
                    <pluginRepositories><pluginRepository><id>m2</id><url>%1$s</url>
                      <snapshots><enabled>false</enabled></snapshots></pluginRepository></pluginRepositories>
                  </profile></profiles>
                  <activeProfiles><activeProfile>here</activeProfile></activeProfiles>
                </settings>
                """.formatted(m2.toUri()));
        String built = run(project, List.of(mvn.toString(), "-B", "-Dstyle.color=never", "-s", "settings.xml",
                "-Dmaven.repo.local=" + repo, "package", "org.apache.maven.plugins:maven-dependency-plugin:3.6.1:build-classpath",
                "-Dmdep.outputFile=classpath.txt"));
        String classpath = Files.readString(project.resolve("classpath.txt")).strip();
        for (String jar : classpath.split(":")) {
            assertTrue(jar.startsWith(repo.toString()), jar);
        }
        assertTrue(classpath.contains("hash4j") && classpath.contains("jffi-") && classpath.contains("-native.jar"),
                classpath + "\n" + built);

        Path tree = Files.createDirectories(dir.resolve("home/docs"));
        Files.writeString(tree.resolve("a.txt"), "alpha");
        Files.writeString(tree.resolve("b.tmp"), "left out");
        Path state = Files.createDirectories(dir.resolve("state"));
        String out = run(project, List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                project.resolve("target/backup-planner-1.0.jar") + ":" + classpath, "dev.fsnap.example.BackupPlanner",
                tree.getParent().toString(), state.toString()));
        assertTrue(out.contains("read added 5 docs/a.txt\n") && out.contains("1 files, 5 bytes to read; 3 entries scanned"),
                out);
    }

    /** Puts a module's pom, and its classes as its jar, into a local repository, as {@code mvn install} would. */
    private static void stage(Path repo, String artifact, String version, Path pom, Path classes) throws IOException {
        Path at = Files.createDirectories(repo.resolve("dev/fsnap/" + artifact + "/" + version));
        Files.copy(pom, at.resolve(artifact + "-" + version + ".pom"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        if (classes == null) {
            return;
        }
        try (JarOutputStream jar = new JarOutputStream(Files.newOutputStream(at.resolve(artifact + "-" + version + ".jar")));
             Stream<Path> all = Files.walk(classes)) {
            for (Path f : all.filter(Files::isRegularFile).sorted().toList()) {
                jar.putNextEntry(new JarEntry(classes.relativize(f).toString().replace('\\', '/')));
                Files.copy(f, jar);
                jar.closeEntry();
            }
        }
    }

    /** Runs a process in a directory; its output, once it exited 0. */
    private static String run(Path in, List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).directory(in.toFile()).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(600, TimeUnit.SECONDS), String.join(" ", command) + " did not finish");
        assertEquals(0, p.exitValue(), String.join(" ", command) + "\n" + out);
        return out;
    }

    /**
     * The dependencies a module needs at run time, through the project's own modules, as the page
     * names them: {@code group:artifact:version}, {@code group:artifact:version:classifier}, or
     * {@code dev.fsnap:artifact} for the project's own.
     */
    static Set<String> runtime(Path module) throws IOException {
        String parent = Files.readString(Path.of("..", "pom.xml"));
        Set<String> out = new LinkedHashSet<>();
        for (String d : elements(Files.readString(module.resolve("pom.xml")), "dependency")) {
            String scope = tag(d, "scope");
            if (scope.equals("test") || scope.equals("provided")) {
                continue;
            }
            String group = tag(d, "groupId");
            String artifact = tag(d, "artifactId");
            if (group.equals("dev.fsnap")) {
                out.add(group + ":" + artifact);
                out.addAll(runtime(Path.of("..", artifact.substring("fsnap-".length()))));
                continue;
            }
            String classifier = tag(d, "classifier");
            out.add(group + ":" + artifact + ":" + managedVersion(parent, group, artifact)
                    + (classifier.isEmpty() ? "" : ":" + classifier));
        }
        return out;
    }

    /** A version from the parent's dependency management, its property resolved. */
    private static String managedVersion(String parent, String group, String artifact) {
        for (String d : elements(parent, "dependency")) {
            if (tag(d, "groupId").equals(group) && tag(d, "artifactId").equals(artifact)) {
                String v = tag(d, "version");
                Matcher p = Pattern.compile("\\$\\{(.+)}").matcher(v);
                return p.matches() ? tag(parent, p.group(1)) : v;
            }
        }
        throw new AssertionError("no managed version of " + group + ":" + artifact);
    }

    private static Set<String> dependencies(String pom) {
        Set<String> out = new LinkedHashSet<>();
        for (String d : elements(pom, "dependency")) {
            out.add(tag(d, "groupId") + ":" + tag(d, "artifactId") + ":" + tag(d, "version"));
        }
        return out;
    }

    private static String plugin(String pom, String artifact) {
        return elements(pom, "plugin").stream().filter(p -> tag(p, "artifactId").equals(artifact)).findFirst()
                .orElseThrow(() -> new AssertionError("the pom has no " + artifact));
    }

    /** The insides of every element of that name (poms do not nest an element in one of its name). */
    static List<String> elements(String xml, String name) {
        List<String> out = new ArrayList<>();
        Matcher m = Pattern.compile("(?s)<" + Pattern.quote(name) + ">(.*?)</" + Pattern.quote(name) + ">").matcher(xml);
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }

    /** The text of the first element of that name, at any depth; empty when none. */
    static String tag(String xml, String name) {
        List<String> found = elements(xml, name);
        return found.isEmpty() ? "" : found.get(0).strip();
    }
}
