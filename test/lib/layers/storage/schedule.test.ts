import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import {
  at,
  describeDrift,
  formatOffset,
  formatSchedule,
  ianaZone,
  localSchedule,
  localToUtc,
  planSchedule,
  type Schedule,
  scheduleZone,
  utcToLocal,
  type Weekday,
  zoneOffsetAt,
} from "../../../../lib/layers/storage/schedule.ts";
import { parseConfig } from "../../../../programs/layers.ts";

const parse = (text: string): Schedule => localSchedule(text)._unsafeUnwrap();

/** The cron for a local schedule written in config form, with `timezone_offset` hours. */
const cronAtOffset = (local: string, hours: number): string =>
  planSchedule(parse(local), scheduleZone({ timezoneOffset: hours }, 2026)).cron;

describe("local schedule → UTC cron with timezone_offset", () => {
  // [offset hours, local schedule, Longhorn cron (UTC), why]
  const table: [number, string, string, string][] = [
    [10, "daily 03:00", "0 17 * * *", "UTC+10: 03:00 local is 17:00 UTC the day before (the seed had 13:00)"],
    [10, "sun 04:00", "0 18 * * 6", "Sunday morning at UTC+10 is Saturday evening UTC"],
    [10, "mon 00:00", "0 14 * * 0", "midnight Monday is Sunday afternoon UTC"],
    [10, "sun,mon,wed 02:00", "0 16 * * 0,2,6", "a day list moves as a whole and wraps Sun→Sat"],
    [-5, "daily 22:00", "0 3 * * *", "negative offset: evening local is next morning UTC"],
    [-5, "sat 22:00", "0 3 * * 0", "…and Saturday wraps forward to Sunday"],
    [-8, "sat 20:30", "30 4 * * 0", "negative offset with minutes"],
    [-1, "sat 23:00", "0 0 * * 0", "lands exactly on UTC midnight of the next day"],
    [5.5, "daily 03:00", "30 21 * * *", "half-hour offset moves the minutes"],
    [5.5, "sun 02:00", "30 20 * * 6", "half-hour offset and weekday wrap"],
    [9.5, "daily 00:15", "45 14 * * *", "fractional offset from just after midnight"],
    [-3.5, "sat 23:45", "15 3 * * 0", "negative fractional offset, forward wrap"],
    [5.75, "daily 03:00", "15 21 * * *", "quarter-hour offset (Nepal)"],
    [0, "sun 04:00", "0 4 * * 0", "UTC+0 changes nothing"],
    [1, "daily 00:00", "0 23 * * *", "local midnight is 23:00 the day before"],
    [1, "sun 00:00", "0 23 * * 6", "midnight Sunday is Saturday 23:00"],
    [14, "mon,thu 03:00", "0 13 * * 0,3", "largest positive offset"],
    [-12, "sat 12:00", "0 0 * * 0", "largest negative offset crosses into Sunday UTC"],
  ];

  for (const [hours, local, cron, why] of table) {
    test(`${formatOffset(hours * 60)} ${local} → "${cron}" (${why})`, () => {
      expect(cronAtOffset(local, hours)).toBe(cron);
    });
  }

  test("without timezone or timezone_offset, schedules are UTC", () => {
    const zone = scheduleZone({}, 2026);
    expect(zone).toEqual({ kind: "utc" });
    expect(planSchedule(parse("sun 04:00"), zone).cron).toBe("0 4 * * 0");
    expect(planSchedule(parse("sun 04:00"), zone).drift).toBeUndefined();
  });

  test("converting to UTC and back gives the local schedule again, for every quarter-hour offset", () => {
    const weekday = fc.integer({ min: 0, max: 6 }) as fc.Arbitrary<Weekday>;
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 23 }),
        fc.integer({ min: 0, max: 59 }),
        fc.oneof(fc.constant("daily" as const), fc.array(weekday, { minLength: 1, maxLength: 7 })),
        fc.integer({ min: -48, max: 56 }).map((quarters) => quarters * 15),
        (hour, minute, days, offset) => {
          const local = at(hour, minute, days);
          const utc = localToUtc(local, offset);
          expect(utcToLocal(utc, offset)).toEqual(local);
          expect(utc.minuteOfDay).toBeGreaterThanOrEqual(0);
          expect(utc.minuteOfDay).toBeLessThan(1440);
          if (local.days !== "daily") expect(utc.days).toHaveLength(local.days.length);
        },
      ),
    );
  });
});

/** Wall-clock time in `zone` when a daily UTC cron `minute hour * * *` fires on the UTC date `date`. */
const firesAtLocal = (cron: string, date: string, zone: string): string => {
  const [minute, hour] = cron.split(" ").map(Number);
  const [y, m, d] = date.split("-").map(Number);
  const instant = new Date(Date.UTC(y ?? 0, (m ?? 1) - 1, d ?? 1, hour ?? 0, minute ?? 0));
  return new Intl.DateTimeFormat("en-GB", {
    timeZone: zone,
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  }).format(instant);
};

describe("IANA zones: the cron follows standard time and the DST drift is reported", () => {
  // [zone, local, cron, standard offset, daylight offset or null, [UTC firing date, local wall clock][]]
  const table: [string, string, string, string, string | null, [string, string][]][] = [
    [
      "Europe/Berlin",
      "daily 03:00",
      "0 2 * * *",
      "UTC+01:00",
      "UTC+02:00",
      [
        ["2026-03-28", "03:00"], // before the change on Sunday 29 March
        ["2026-03-30", "04:00"], // CEST: an hour later
        ["2026-10-24", "04:00"],
        ["2026-10-26", "03:00"], // back to CET on 25 October
      ],
    ],
    [
      "America/New_York",
      "daily 03:00",
      "0 8 * * *",
      "UTC-05:00",
      "UTC-04:00",
      [
        ["2026-03-07", "03:00"],
        ["2026-03-09", "04:00"], // EDT from 8 March
        ["2026-10-31", "04:00"],
        ["2026-11-02", "03:00"], // EST from 1 November
      ],
    ],
    [
      "Australia/Sydney",
      "daily 03:00",
      "0 17 * * *",
      "UTC+10:00",
      "UTC+11:00",
      [
        ["2026-04-03", "04:00"], // southern summer: AEDT until 5 April
        ["2026-04-05", "03:00"],
        ["2026-10-02", "03:00"],
        ["2026-10-04", "04:00"], // AEDT again from 4 October
      ],
    ],
    [
      "Australia/Adelaide",
      "daily 03:00",
      "30 17 * * *",
      "UTC+09:30",
      "UTC+10:30",
      [
        ["2026-01-15", "04:00"],
        ["2026-07-15", "03:00"],
      ],
    ],
    [
      "Australia/Lord_Howe",
      "daily 03:00",
      "30 16 * * *",
      "UTC+10:30",
      "UTC+11:00",
      [
        ["2026-01-15", "03:30"], // half-hour daylight saving
        ["2026-07-15", "03:00"],
      ],
    ],
    [
      "Europe/London",
      "daily 03:00",
      "0 3 * * *",
      "UTC+00:00",
      "UTC+01:00",
      [
        ["2026-01-15", "03:00"],
        ["2026-07-15", "04:00"],
      ],
    ],
    ["Australia/Brisbane", "daily 03:00", "0 17 * * *", "UTC+10:00", null, [["2026-07-15", "03:00"]]],
    ["Asia/Kolkata", "daily 03:00", "30 21 * * *", "UTC+05:30", null, [["2026-07-15", "03:00"]]],
    ["Asia/Kathmandu", "daily 03:00", "15 21 * * *", "UTC+05:45", null, [["2026-07-15", "03:00"]]],
  ];

  for (const [zoneName, local, cron, standard, daylight, firings] of table) {
    test(`${zoneName} ${local} → "${cron}"`, () => {
      const zone = ianaZone(zoneName, 2026);
      expect(formatOffset(zone.offsetMinutes)).toBe(standard);
      expect(zone.daylight === undefined ? null : formatOffset(zone.daylight.offsetMinutes)).toBe(daylight);
      const planned = planSchedule(parse(local), zone);
      expect(planned.cron).toBe(cron);
      for (const [date, wallClock] of firings) {
        expect(`${date} ${firesAtLocal(planned.cron, date, zoneName)}`).toBe(`${date} ${wallClock}`);
      }
    });
  }

  test("DST starts and ends are found on the right days, in both hemispheres", () => {
    expect(ianaZone("Europe/Berlin", 2026).daylight).toEqual({
      offsetMinutes: 120,
      starts: "2026-03-29",
      ends: "2026-10-25",
    });
    expect(ianaZone("America/New_York", 2026).daylight).toEqual({
      offsetMinutes: -240,
      starts: "2026-03-08",
      ends: "2026-11-01",
    });
    expect(ianaZone("Australia/Sydney", 2026).daylight).toEqual({
      offsetMinutes: 660,
      starts: "2026-10-04",
      ends: "2026-04-05",
    });
    expect(ianaZone("Australia/Brisbane", 2026).daylight).toBeUndefined();
  });

  test("drift is reported in local terms, including a weekly job pushed past midnight", () => {
    // St John's: standard UTC-3:30, daylight UTC-2:30. Saturday 23:00 becomes Sunday 00:00 in summer.
    const planned = planSchedule(parse("sat 23:00"), ianaZone("America/St_Johns", 2026));
    expect(planned.cron).toBe("30 2 * * 0");
    expect(planned.drift?.minutes).toBe(60);
    expect(formatSchedule(planned.drift?.local ?? at(0, 0))).toBe("Sun 00:00");
    expect(describeDrift(planned)).toBe(
      "DST drift: +1h (runs Sun 00:00 local while daylight saving is in effect)",
    );
    const lordHowe = planSchedule(parse("daily 03:00"), ianaZone("Australia/Lord_Howe", 2026));
    expect(describeDrift(lordHowe)).toBe(
      "DST drift: +30m (runs daily 03:30 local while daylight saving is in effect)",
    );
    expect(describeDrift(planSchedule(parse("daily 03:00"), ianaZone("Asia/Kolkata", 2026)))).toBe(
      "DST drift: none",
    );
  });

  test("weekly job in a DST zone: Sunday 04:00 Berlin is Sunday 03:00 UTC", () => {
    const planned = planSchedule(parse("sun 04:00"), ianaZone("Europe/Berlin", 2026));
    expect(planned.cron).toBe("0 3 * * 0");
    expect(formatSchedule(planned.drift?.local ?? at(0, 0))).toBe("Sun 05:00");
  });

  test("zoneOffsetAt reads the offset at an instant", () => {
    expect(zoneOffsetAt("Europe/Berlin", new Date("2026-01-15T12:00:00Z"))).toBe(60);
    expect(zoneOffsetAt("Europe/Berlin", new Date("2026-07-15T12:00:00Z"))).toBe(120);
    expect(zoneOffsetAt("America/St_Johns", new Date("2026-01-15T12:00:00Z"))).toBe(-210);
  });
});

describe("schedule config values", () => {
  const good: [string, string][] = [
    ["03:00", "daily 03:00"],
    ["daily 3:05", "daily 03:05"],
    ["Sun 04:00", "Sun 04:00"],
    ["sunday 04:00", "Sun 04:00"],
    ["thu,mon 02:30", "Mon,Thu 02:30"],
    ["  sat 23:59 ", "Sat 23:59"],
  ];
  for (const [raw, shown] of good) {
    test(`"${raw}" parses as ${shown}`, () => expect(formatSchedule(parse(raw))).toBe(shown));
  }

  const bad: [string, string][] = [
    ["24:00", "has no such time of day"],
    ["03:60", "has no such time of day"],
    ["noon", "is not a schedule"],
    ["0 3 * * *", "is not a schedule"],
    ["funday 03:00", "names an unknown day (funday)"],
    ["mon,,tue 03:00", "names an unknown day (empty)"],
  ];
  for (const [raw, message] of bad) {
    test(`"${raw}" is rejected: ${message}`, () => {
      const result = localSchedule(raw);
      expect(result.isErr()).toBe(true);
      expect(result._unsafeUnwrapErr().what).toStartWith(message);
    });
  }

  const base = {
    nfs_hostname: "nas.lan",
    nfs_share_path: "/volume1/kubernetes",
    longhorn_nfs_backup_path: "/volume1/backups/longhorn",
  };

  test("defaults: trim Sunday 02:00, backup daily 03:00, system backup Sunday 04:00", () => {
    const config = parseConfig("storage", base)._unsafeUnwrap();
    expect(formatSchedule(config.longhornTrimSchedule)).toBe("Sun 02:00");
    expect(formatSchedule(config.longhornBackupSchedule)).toBe("daily 03:00");
    expect(formatSchedule(config.longhornSystemBackupSchedule)).toBe("Sun 04:00");
  });

  test("a bad schedule is a config error naming the key, the value and the fix", () => {
    const errors = parseConfig("storage", { ...base, longhorn_backup_schedule: "3am" })._unsafeUnwrapErr();
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({
      where: { layer: "storage", key: "longhorn_backup_schedule" },
      value: "3am",
      what: "is not a schedule",
    });
    expect(errors[0]?.fix).toContain("daily 03:00");
  });

  test("timezone_offset from config drives the cron (fractional, negative)", () => {
    const config = parseConfig("storage", { ...base, timezone_offset: "-3.5" })._unsafeUnwrap();
    const zone = scheduleZone(config, 2026);
    expect(zone).toEqual({ kind: "fixed", offsetMinutes: -210 });
    expect(planSchedule(config.longhornBackupSchedule, zone).cron).toBe("30 6 * * *");
  });
});
