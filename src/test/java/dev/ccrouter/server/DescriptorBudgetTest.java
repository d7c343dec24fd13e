package dev.ccrouter.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.management.UnixOperatingSystemMXBean;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

class DescriptorBudgetTest {
    /** /proc/self/limits as Linux writes it (the header, then one line per resource, columns padded). */
    static final List<String> LIMITS = List.of(
            "Limit                     Soft Limit           Hard Limit           Units     ",
            "Max cpu time              unlimited            unlimited            seconds   ",
            "Max processes             95541                95541                processes ",
            "Max open files            1024                 524288               files     ",
            "Max locked memory         8388608              8388608              bytes     ");

    @Test
    void theSoftLimitOnOpenFilesIsRead() {
        assertThat(DescriptorBudget.openFilesLimit(LIMITS)).hasValue(1024);
    }

    @Test
    void anUnlimitedOneIsMinusOneAsTheMxBeanSaysIt() {
        List<String> unlimited = List.of(
                "Max open files            unlimited            unlimited            files     ");
        assertThat(DescriptorBudget.openFilesLimit(unlimited)).hasValue(-1);
    }

    @Test
    void withoutTheLineThereIsNoAnswer() {
        assertThat(DescriptorBudget.openFilesLimit(LIMITS.subList(0, 3))).isEqualTo(OptionalLong.empty());
    }

    @Test
    @EnabledOnOs(OS.LINUX)
    void theLimitReadFromProcIsTheOneThePlatformReports() {
        long platform = ((UnixOperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getMaxFileDescriptorCount();
        assertThat(DescriptorBudget.descriptorLimit()).isEqualTo(platform);
    }

    @Test
    void connectionsAreCappedByWhatTheLimitCanCarry() {
        // (320 - 128 reserved) * 4 / 9 = 85 admitted, a quarter more accepted to be refused
        assertThat(DescriptorBudget.of(100_000, 320)).isEqualTo(new DescriptorBudget(85, 106));
        assertThat(DescriptorBudget.of(50, 320)).isEqualTo(new DescriptorBudget(50, 62));
    }

    @Test
    void anUnknownLimitLeavesTheConfiguredCap() {
        assertThat(DescriptorBudget.of(1_000, -1)).isEqualTo(new DescriptorBudget(1_000, 1_250));
    }
}
