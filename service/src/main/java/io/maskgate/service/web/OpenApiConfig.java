package io.maskgate.service.web;

import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Declares the API's HTTP Basic scheme, so the Swagger UI offers its Authorize button. */
@Configuration(proxyBeanMethods = false)
class OpenApiConfig {

    static final String BASIC = "basic";

    @Bean
    OpenAPI maskgateOpenApi() {
        return new OpenAPI()
                .info(new Info().title("MaskGate API").version("v1")
                        .description("HTTP Basic; roles ADMIN (configure) and OPERATOR (monitor, manual door "
                                + "commands). The web console for people is at /console."))
                .components(new Components().addSecuritySchemes(BASIC,
                        new SecurityScheme().type(SecurityScheme.Type.HTTP).scheme("basic")))
                .addSecurityItem(new SecurityRequirement().addList(BASIC));
    }
}
