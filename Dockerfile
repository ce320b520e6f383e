# Build: mvn -B -DskipTests package && docker build -t kubevirt-remediator .
FROM eclipse-temurin:17-jre
RUN useradd --system --uid 10001 remediator
COPY target/kubevirt-remediator.jar /opt/kubevirt-remediator/kubevirt-remediator.jar
USER 10001
EXPOSE 8080
# Half the container's memory for the heap and the serial collector: at 10,000 outdated VMIs the
# service peaks at about 430 MiB RSS under the chart's 512Mi limit (docs/performance.md); G1's own
# structures and a 75% heap took it to 570 MiB.
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=50", "-XX:+UseSerialGC", "-jar", "/opt/kubevirt-remediator/kubevirt-remediator.jar"]
