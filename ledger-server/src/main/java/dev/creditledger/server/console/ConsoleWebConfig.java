package dev.creditledger.server.console;

import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.config.annotation.ViewControllerRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * Serves the operator console: three static files in {@code classpath:/static/console/} (HTML, JS, CSS; no build
 * step, nothing from another origin). {@code /console} redirects to {@code /console/}, which shows
 * {@code index.html}, so the page's relative links resolve under {@code /console/}. The files need no key: only
 * {@code /v1} is authenticated, and the page sends the key the operator types with each API call it makes.
 */
@Configuration
public class ConsoleWebConfig implements WebMvcConfigurer {

    @Override
    public void addViewControllers(ViewControllerRegistry registry) {
        registry.addRedirectViewController("/console", "/console/");
        registry.addViewController("/console/").setViewName("forward:/console/index.html");
    }
}
