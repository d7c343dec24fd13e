package dev.ccrouter.config;

/**
 * One row of the settings table.
 *
 * @param path         where it goes in the file: {@code server.port}; {@code []} stands for any list item,
 *                     {@code <model>} and {@code <target>} for any map key
 * @param env          the environment variable that overrides it, or null
 * @param flag         the {@code ccrouter serve} flag that overrides it, or null
 * @param rule         the values it accepts
 * @param defaultText  the default in words when the embedded defaults file does not hold one, or null
 * @param meaning      what it does, for the table and {@code ccrouter config settings}
 */
record Setting(String path, String env, String flag, Rule rule, String defaultText, String meaning) {
}
