package io.maskgate.service.console.charts;

import io.maskgate.protocol.UnitStatus;
import io.maskgate.service.mqtt.UnitPresence;
import io.maskgate.service.unit.Unit;
import io.maskgate.service.unit.UnitService;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseBody;

/** Charts: decisions per minute per door, refusal rate, p99 decision->command latency, units by model version. */
@Controller
class ChartsController {

    private final ChartSeries series;
    private final UnitService units;
    private final UnitPresence presence;
    private final Clock clock;

    ChartsController(ChartSeries series, UnitService units, UnitPresence presence, Clock clock) {
        this.series = series;
        this.units = units;
        this.presence = presence;
        this.clock = clock;
    }

    @GetMapping("/console/charts")
    String page(@RequestParam(name = "door", required = false) List<String> doors, Model model) {
        Map<String, Integer> byModel = new TreeMap<>();
        for (Unit u : units.list()) {
            String version = presence.status(u.id()).map(UnitStatus::modelVersion).orElse("(no report yet)");
            byModel.merge(version, 1, Integer::sum);
        }
        model.addAttribute("byModel", byModel);
        model.addAttribute("doors", doors == null ? List.of() : doors);
        model.addAttribute("unitCount", byModel.values().stream().mapToInt(Integer::intValue).sum());
        return "console/charts";
    }

    @GetMapping("/console/charts/data")
    @ResponseBody
    ChartSeries.Data data(@RequestParam(name = "door", required = false) List<String> doors) {
        return series.data(clock.millis(), doors == null ? List.of() : doors);
    }
}
