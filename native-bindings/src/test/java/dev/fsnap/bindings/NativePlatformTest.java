package dev.fsnap.bindings;

import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Which calls fsnap binds, decided from the names Java gives the system, for every system. */
class NativePlatformTest {
    @Test
    void eachSystemAndArchitectureNameMapsToItsPlatform() {
        assertEquals(Optional.of(NativePlatform.LINUX_X86_64), NativePlatform.of("Linux", "amd64"));
        assertEquals(Optional.of(NativePlatform.LINUX_AARCH64), NativePlatform.of("Linux", "aarch64"));
        assertEquals(Optional.of(NativePlatform.MACOS_X86_64), NativePlatform.of("Mac OS X", "x86_64"));
        assertEquals(Optional.of(NativePlatform.MACOS_ARM64), NativePlatform.of("Mac OS X", "aarch64"));
        assertEquals(Optional.of(NativePlatform.WINDOWS_X86_64), NativePlatform.of("Windows 11", "amd64"));
        assertEquals(Optional.of(NativePlatform.WINDOWS_X86_64), NativePlatform.of("Windows Server 2022", "amd64"));
        assertEquals(Optional.of(NativePlatform.WINDOWS_ARM64), NativePlatform.of("Windows 11", "aarch64"));
    }

    @Test
    void systemsWithoutNativeCallsGetNone() {
        assertTrue(NativePlatform.of("Linux", "riscv64").isEmpty());
        assertTrue(NativePlatform.of("Linux", "x86").isEmpty());
        assertTrue(NativePlatform.of("FreeBSD", "amd64").isEmpty());
        assertTrue(NativePlatform.of("Windows 10", "x86").isEmpty());
        assertTrue(NativePlatform.of("", "").isEmpty());
    }

    @Test
    void macOsOnIntelBindsTheInode64SymbolsAndAppleSiliconThePlainOnes() {
        DarwinAbi intel = DarwinAbi.of(NativePlatform.MACOS_X86_64);
        DarwinAbi arm = DarwinAbi.of(NativePlatform.MACOS_ARM64);
        for (String f : new String[] {"opendir", "fdopendir", "readdir", "fstatat", "fstatfs"}) {
            assertEquals(f + "$INODE64", intel.symbol(f));
            assertEquals(f, arm.symbol(f));
        }
        for (String f : new String[] {"openat", "close", "closedir", "readlinkat", "__error"}) {
            assertEquals(f, intel.symbol(f), "no 64-bit-inode variant of " + f);
        }
        assertThrows(IllegalArgumentException.class, () -> DarwinAbi.of(NativePlatform.LINUX_X86_64));
    }

    /** Linux is where these tests run: the other systems' bindings load, bind nothing, and say why. */
    @Test
    void otherSystemsBindingsLoadHereAndReportThemselvesUnavailable() {
        assertTrue(NativePlatform.current().orElseThrow().os == NativePlatform.Os.LINUX);
        assertFalse(DarwinLibc.library().isAvailable());
        assertNotNull(DarwinLibc.library().unavailabilityCause());
        assertTrue(DarwinLibc.library().unavailabilityCause().getMessage().startsWith("not macOS: Linux"),
                DarwinLibc.library().unavailabilityCause().getMessage());
        assertFalse(Kernel32.library().isAvailable());
        assertTrue(Kernel32.library().unavailabilityCause().getMessage().startsWith("not Windows: Linux"),
                Kernel32.library().unavailabilityCause().getMessage());
        UnsupportedOperationException mac = assertThrows(UnsupportedOperationException.class,
                () -> new DarwinDirectoryReader(LinuxDirectoryReader.MIN_BUFFER_SIZE));
        assertTrue(mac.getMessage().contains("native macOS calls unavailable"), mac.getMessage());
        UnsupportedOperationException win = assertThrows(UnsupportedOperationException.class,
                () -> new WindowsDirectoryReader(LinuxDirectoryReader.MIN_BUFFER_SIZE));
        assertTrue(win.getMessage().contains("native Windows calls unavailable"), win.getMessage());
    }
}
