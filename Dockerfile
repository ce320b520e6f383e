# Build: mvn -B -DskipTests package && docker build -t kubevirt-remediator .
FROM eclipse-temurin:17-jre
RUN useradd --system --uid 10001 remediator
COPY target/kubevirt-remediator.jar /opt/kubevirt-remediator/kubevirt-remediator.jar
USER 10001
EXPOSE 8080
# Half the container's memory for the heap, the serial collector and the C1 compiler only: the
# service works in short bursts, where C2's compile threads compete with the work on few cores.
# At 10,000 outdated VMIs it peaks at about 390 MiB RSS under the chart's 512Mi limit; G1 with a
# 75% heap took it to 570 MiB (docs/performance.md).
# Out of memory ends the process (Kubernetes restarts it): a JVM that lives on after an
# OutOfMemoryError may have lost its Lease thread while still claiming to lead.
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=50", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-XX:+ExitOnOutOfMemoryError", "-jar", "/opt/kubevirt-remediator/kubevirt-remediator.jar"]
