# syntax=docker/dockerfile:1
# Build: docker build -t kubevirt-remediator .   (the build stage runs Maven; nothing prebuilt is copied)

# Build stage: Maven with JDK 17, dependencies cached in their own layer.
FROM docker.io/library/maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml .
RUN mvn -B -ntp -q dependency:go-offline
COPY src/main src/main
RUN mvn -B -ntp -q -DskipTests -Dmaven.test.skip=true package

# Runtime stage: a JRE only.
FROM docker.io/library/eclipse-temurin:17-jre
ARG VERSION=dev
LABEL org.opencontainers.image.title="kubevirt-remediator" \
      org.opencontainers.image.description="Alertmanager webhook target that diagnoses and remediates KubeVirt alerts" \
      org.opencontainers.image.version="${VERSION}"
RUN groupadd --system --gid 10001 remediator && useradd --system --uid 10001 --gid 10001 remediator
COPY --from=build /src/target/kubevirt-remediator.jar /opt/kubevirt-remediator/kubevirt-remediator.jar
USER 10001:10001
EXPOSE 8080
# The JVM's flags live in JAVA_TOOL_OPTIONS, so an operator can change them (the chart's extraEnv).
# Half the container's memory for the heap, the serial collector and the C1 compiler only: the
# service works in short bursts, where C2's compile threads compete with the work on few cores.
# At 10,000 outdated VMIs it peaks at about 390 MiB RSS under the chart's 512Mi limit; G1 with a
# 75% heap took it to 570 MiB (docs/performance.md).
# Out of memory ends the process (Kubernetes restarts it): a JVM that lives on after an
# OutOfMemoryError may have lost its Lease thread while still claiming to lead.
ENV JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=50 -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:+ExitOnOutOfMemoryError"
ENTRYPOINT ["java", "-jar", "/opt/kubevirt-remediator/kubevirt-remediator.jar"]
