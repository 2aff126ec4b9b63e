package io.maskgate.service.config;

import io.maskgate.protocol.MessageCodec;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.annotation.EnableScheduling;

/** Shared protocol objects (the codec is thread-safe and caches record shapes) and scheduling. */
@Configuration(proxyBeanMethods = false)
@EnableScheduling
class ProtocolConfig {

    @Bean
    MessageCodec messageCodec() {
        return new MessageCodec();
    }
}
