# MaskGate service image. Multi-stage: build with the Maven wrapper, run on a JRE as a non-root user.
FROM eclipse-temurin:17-jdk AS build
WORKDIR /src
COPY .mvn .mvn
COPY mvnw pom.xml ./
# every module's pom (the parent lists them all); sources only of what the service needs
COPY protocol/pom.xml protocol/
COPY tinyml/pom.xml tinyml/
COPY verifier/pom.xml verifier/
COPY trainer/pom.xml trainer/
COPY service/pom.xml service/
COPY device-agent/pom.xml device-agent/
COPY bench/pom.xml bench/
RUN ./mvnw -q -B -pl service -am dependency:go-offline || true
COPY protocol/src protocol/src
COPY tinyml/src tinyml/src
COPY verifier/src verifier/src
COPY service/src service/src
COPY db db
# the verifier module's TensorFlow Java is optional: it is not copied into service/target/lib, so the image has
# no TensorFlow and uncertain decisions are UNVERIFIED there (service/README.md#re-verification-of-uncertain-decisions)
# -Pproduction: the embedded PostgreSQL and MQTT broker (zero-setup default) stay out of target/lib
RUN ./mvnw -q -B -pl service -am package -DskipTests -Pproduction

FROM eclipse-temurin:17-jre
RUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --home-dir /app --shell /usr/sbin/nologin maskgate \
    && mkdir -p /app/var && chown maskgate /app/var
WORKDIR /app
COPY --from=build /src/service/target/lib /app/lib
COPY --from=build /src/service/target/classes /app/classes
USER maskgate
ENV MASKGATE_DATA_DIR=/app/var
# production: refuses to start without a configured database, broker and master key
ENV SPRING_PROFILES_ACTIVE=prod
EXPOSE 8080
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 \
    CMD curl -fsS http://127.0.0.1:8080/actuator/health || curl -fsSk https://127.0.0.1:8080/actuator/health || exit 1
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-cp", "/app/classes:/app/lib/*", "io.maskgate.service.MaskGateApplication"]
