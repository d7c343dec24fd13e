# ccrouter in a container: Maven builds the fat jar, a plain JRE runs it as an unprivileged user.
#   docker build -t ccrouter .
#   docker run -d -p 127.0.0.1:8787:8787 -v ccrouter-data:/data ccrouter
# Settings are the usual environment variables (README "Settings"); extra JVM flags go in JAVA_TOOL_OPTIONS.
# The base images are build arguments, for a mirror or a local copy:
#   docker build --build-arg BUILD_IMAGE=registry.example.com/maven:3.9-eclipse-temurin-25 \
#                --build-arg RUNTIME_IMAGE=registry.example.com/eclipse-temurin:25-jre-noble -t ccrouter .
# The runtime image must provide java 21+ on the PATH, groupadd/useradd and curl (the health check); with java 25+ the
# image starts from an ahead-of-time cache, before that from a class-data-sharing archive.
ARG BUILD_IMAGE=maven:3.9-eclipse-temurin-25
ARG RUNTIME_IMAGE=eclipse-temurin:25-jre-noble

FROM ${BUILD_IMAGE} AS build
WORKDIR /build
# The dependencies get their own layer, so a change to the sources does not download them again.
COPY pom.xml ./
RUN mvn -B -q dependency:go-offline
COPY src ./src
RUN mvn -B -q -Dmaven.test.skip=true package

# The Ubuntu-based Temurin JRE ships curl, which the health check uses.
FROM ${RUNTIME_IMAGE}
RUN groupadd --system --gid 10001 ccrouter \
 && useradd --system --uid 10001 --gid ccrouter --home-dir /data --no-create-home --shell /usr/sbin/nologin ccrouter \
 && mkdir -p /app /data \
 && chown ccrouter:ccrouter /data
COPY --from=build /build/target/ccrouter.jar /app/ccrouter.jar
# The start-up cache, made by this image's own JVM (a cache from another JVM would be ignored) and named in
# /app/cache.options, which ENTRYPOINT reads as a java @argfile. On JDK 25+ the ahead-of-time cache the launcher also
# uses (training/AotTraining: a replayed Claude Code session against an in-process upstream on 127.0.0.1; classes
# loaded and linked, without method profiles; docs/benchmarks.md); before JDK 25 a class-data-sharing archive of one trial
# start. The collector is named as in ENTRYPOINT: without a heap or collector flag the jar restarts itself with
# bounded settings (cli/BoundedHeap), and the cache would hold only the first JVM's classes.
RUN if java -XX:+PrintFlagsFinal -version 2>/dev/null | grep -q ' AOTCacheOutput '; then \
      java -XX:+UseSerialGC -Xmx768m -Xms176m -Xmn160m -XX:SurvivorRatio=4 -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=30 -XX:-ShrinkHeapInSteps -XX:+UnlockExperimentalVMOptions -XX:TrimNativeHeapInterval=5000 -XX:CompileCommand=quiet '-XX:CompileCommand=CompileThresholdScaling,dev.ccrouter.*::*,0.25' \
        -XX:AOTCacheOutput=/app/ccrouter.aot -XX:+UnlockDiagnosticVMOptions -XX:-AOTRecordTraining -Xlog:aot*=off -Xlog:cds*=off \
        -cp /app/ccrouter.jar dev.ccrouter.training.AotTraining \
      && echo '-XX:AOTCache=/app/ccrouter.aot -Xlog:aot*=off -Xlog:cds*=off' >/app/cache.options; \
    else \
      java -XX:+UseSerialGC -Xmx768m -Xms176m -Xmn160m -XX:SurvivorRatio=4 -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=30 -XX:-ShrinkHeapInSteps -XX:+UnlockExperimentalVMOptions -XX:TrimNativeHeapInterval=5000 -XX:CompileCommand=quiet '-XX:CompileCommand=CompileThresholdScaling,dev.ccrouter.*::*,0.25' \
        -XX:ArchiveClassesAtExit=/app/ccrouter.jsa -Xlog:cds=off \
        -Xlog:cds+dynamic=off -jar /app/ccrouter.jar serve --port 0 --data-dir /tmp/cds-training --exit-when-ready \
      && rm -rf /tmp/cds-training \
      && echo '-XX:SharedArchiveFile=/app/ccrouter.jsa -Xshare:auto -Xlog:cds=off -Xlog:cds+dynamic=off' >/app/cache.options; \
    fi

USER ccrouter
WORKDIR /data
ENV CCROUTER_HOST=0.0.0.0 \
    CCROUTER_PORT=8787 \
    CCROUTER_DATA_DIR=/data
EXPOSE 8787
VOLUME /data
HEALTHCHECK --interval=30s --timeout=5s --start-period=10s --retries=3 \
  CMD curl -fsS "http://127.0.0.1:${CCROUTER_PORT}/health" || exit 1
# The launcher's heap and collector (cli/BoundedHeap.FLAGS): -Xmx768m holds 10,000 open streams under 1 GB of RSS. A
# container limited below 1 GB should lower -Xmx to about its limit less 250 MB (command-line flags win over
# JAVA_TOOL_OPTIONS, so override the entrypoint).
ENTRYPOINT ["java", "-XX:+UseSerialGC", "-Xmx768m", "-Xms176m", "-Xmn160m", "-XX:SurvivorRatio=4", "-XX:MinHeapFreeRatio=10", \
            "-XX:MaxHeapFreeRatio=30", "-XX:-ShrinkHeapInSteps", \
            "-XX:+UnlockExperimentalVMOptions", "-XX:TrimNativeHeapInterval=5000", "-XX:CompileCommand=quiet", \
            "-XX:CompileCommand=CompileThresholdScaling,dev.ccrouter.*::*,0.25", \
            "@/app/cache.options", "-jar", "/app/ccrouter.jar", "serve"]
