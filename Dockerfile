# Build: mvn -B -DskipTests package && docker build -t kubevirt-remediator .
FROM eclipse-temurin:17-jre
RUN useradd --system --uid 10001 remediator
COPY target/kubevirt-remediator.jar /opt/kubevirt-remediator/kubevirt-remediator.jar
USER 10001
EXPOSE 8080
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-jar", "/opt/kubevirt-remediator/kubevirt-remediator.jar"]
