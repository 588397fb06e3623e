# Offline stand-in for @rules_java: only needed because @bazel_tools//tools/jdk
# (a registered toolchain package) loads it. The project has no Java code.
java_binary = native.java_binary
java_import = native.java_import
java_library = native.java_library
java_plugin = native.java_plugin
java_test = native.java_test
java_package_configuration = native.java_package_configuration
java_runtime = native.java_runtime
java_toolchain = native.java_toolchain
