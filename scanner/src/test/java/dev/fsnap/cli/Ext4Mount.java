package dev.fsnap.cli;

import dev.fsnap.testdata.Ext4Image;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Each test's own ext4 filesystem on a loop device ({@link Ext4Image}), mounted before it and
 * unmounted after; the test is skipped, with the reason, where that cannot be done here (not root,
 * no loop devices). Register with {@code @RegisterExtension}.
 */
final class Ext4Mount implements BeforeEachCallback, AfterEachCallback {
    private Path scratch;
    private Ext4Image image;

    @Override
    public void beforeEach(ExtensionContext context) throws Exception {
        scratch = Files.createTempDirectory("fsnap-ext4");
        try {
            image = Ext4Image.mount(scratch);
        } catch (IllegalStateException notHere) {
            Assumptions.abort(notHere.getMessage());
        }
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        if (image != null) {
            image.close();
            image = null;
        }
        try (Stream<Path> all = Files.walk(scratch)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException leftBehind) {
            // a temporary directory; the system's cleaning takes what is left
        }
    }

    /** @return the mounted image */
    Ext4Image image() {
        return image;
    }

    /** @return where it is mounted */
    Path root() {
        return image.root();
    }
}
