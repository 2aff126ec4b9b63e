package io.maskgate.service.console;

import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;

/** The front door: {@code /} is the console (the login page for a visitor without a session). */
@Controller
class HomeController {

    @GetMapping("/")
    String home() {
        return "redirect:/console";
    }

    @GetMapping("/login")
    String login() {
        return "console/login";
    }
}
