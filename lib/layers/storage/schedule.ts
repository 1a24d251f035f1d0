/**
 * Local-time schedules and their conversion to the UTC cron Longhorn runs (Talos nodes, and so the
 * Kubernetes CronJobs Longhorn creates, run on UTC; a RecurringJob has no time-zone field).
 *
 * Rule: UTC = local − offset. Local 03:00 at UTC+10 is 17:00 UTC the *day before*; the days of a
 * weekly schedule move with the time, wrapping Saturday ↔ Sunday.
 *
 * Daylight saving: a cron in UTC cannot follow a zone's clock change, so one offset has to be
 * chosen. We choose the zone's standard (winter, smaller) offset: the job runs at the configured
 * local time for the standard-time part of the year and `daylight − standard` (usually one hour)
 * *later* while daylight saving is in effect. Later is the safe direction for night-time
 * maintenance: a 03:00 backup becomes 04:00, never 02:00 (inside the usual 02:00-03:00 transition
 * hour) and never slides back towards the evening, when the cluster is in use. Because the cron
 * itself is in UTC, a job is never skipped or run twice on the night the clocks change.
 */
import { err, ok } from "neverthrow";
import type { Parser } from "../../config/values.ts";
import type { Unplaced } from "../../core/problem.ts";

/** Day of week as cron counts it: 0 = Sunday … 6 = Saturday. */
export type Weekday = 0 | 1 | 2 | 3 | 4 | 5 | 6;

const WEEKDAY_NAMES = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"] as const;

const MINUTES_PER_DAY = 24 * 60;

export interface Schedule {
  /** Minutes after midnight, 0..1439. */
  minuteOfDay: number;
  /** Every day, or the days it runs on (sorted, unique). */
  days: "daily" | readonly Weekday[];
}

const modulo = (value: number, base: number): number => ((value % base) + base) % base;

const toWeekday = (value: number): Weekday => modulo(value, 7) as Weekday;

/** A schedule from clock time and days: `at(3, 0)` is daily 03:00, `at(4, 0, [0])` Sundays 04:00. */
export const at = (hour: number, minute: number, days: "daily" | readonly Weekday[] = "daily"): Schedule => ({
  minuteOfDay: hour * 60 + minute,
  days: days === "daily" ? "daily" : [...new Set(days)].sort((a, b) => a - b),
});

/** The same moments, seen on a clock `minutes` ahead (negative: behind); days move with midnight. */
const shiftSchedule = (schedule: Schedule, minutes: number): Schedule => {
  const total = schedule.minuteOfDay + minutes;
  const dayShift = Math.floor(total / MINUTES_PER_DAY);
  return {
    minuteOfDay: modulo(total, MINUTES_PER_DAY),
    days:
      schedule.days === "daily"
        ? "daily"
        : [...new Set(schedule.days.map((day) => toWeekday(day + dayShift)))].sort((a, b) => a - b),
  };
};

/** Local schedule at `offsetMinutes` east of UTC (UTC+10 → 600) → the same moments in UTC. */
export const localToUtc = (local: Schedule, offsetMinutes: number): Schedule =>
  shiftSchedule(local, -offsetMinutes);

/** UTC schedule → what a clock at `offsetMinutes` east of UTC shows when it runs. */
export const utcToLocal = (utc: Schedule, offsetMinutes: number): Schedule =>
  shiftSchedule(utc, offsetMinutes);

/** Five-field cron (minute hour day-of-month month day-of-week), as Longhorn's `spec.cron` takes it. */
const toCron = (schedule: Schedule): string => {
  const minute = schedule.minuteOfDay % 60;
  const hour = Math.floor(schedule.minuteOfDay / 60);
  const days = schedule.days === "daily" ? "*" : schedule.days.join(",");
  return `${minute} ${hour} * * ${days}`;
};

const twoDigits = (n: number): string => String(n).padStart(2, "0");

const formatClock = (minuteOfDay: number): string =>
  `${twoDigits(Math.floor(minuteOfDay / 60))}:${twoDigits(minuteOfDay % 60)}`;

/** `daily 03:00`, `Sun 04:00`, `Mon,Thu 02:30`: the form the config keys take. */
export const formatSchedule = (schedule: Schedule): string =>
  `${schedule.days === "daily" ? "daily" : schedule.days.map((day) => WEEKDAY_NAMES[day]).join(",")} ${formatClock(schedule.minuteOfDay)}`;

/** `UTC+10:00`, `UTC-03:30`, `UTC+05:45`. */
export const formatOffset = (offsetMinutes: number): string => {
  const sign = offsetMinutes < 0 ? "-" : "+";
  const abs = Math.abs(offsetMinutes);
  return `UTC${sign}${twoDigits(Math.floor(abs / 60))}:${twoDigits(abs % 60)}`;
};

// ---------------------------------------------------------------- config parser

const DAY_ALIASES: Readonly<Record<string, Weekday>> = {
  sun: 0,
  sunday: 0,
  mon: 1,
  monday: 1,
  tue: 2,
  tues: 2,
  tuesday: 2,
  wed: 3,
  wednesday: 3,
  thu: 4,
  thur: 4,
  thurs: 4,
  thursday: 4,
  fri: 5,
  friday: 5,
  sat: 6,
  saturday: 6,
};

const SCHEDULE_FIX =
  "write `daily HH:MM` or days then a time, e.g. `daily 03:00`, `sun 04:00` or `mon,thu 02:30`";

/** A local schedule as written in config: `03:00`, `daily 03:00`, `sun 04:00`, `mon,thu 02:30`. */
export const localSchedule: Parser<Schedule> = (raw) => {
  const match = /^(?:([a-z,\s]+?)\s+)?(\d{1,2}):(\d{2})$/i.exec(raw.trim());
  if (!match) return err({ what: "is not a schedule", fix: SCHEDULE_FIX });
  const hour = Number(match[2]);
  const minute = Number(match[3]);
  if (hour > 23 || minute > 59) {
    return err({ what: `has no such time of day (${match[2]}:${match[3]})`, fix: "use 00:00 to 23:59" });
  }
  const dayText = (match[1] ?? "daily").trim().toLowerCase();
  if (dayText === "daily") return ok(at(hour, minute));
  const days: Weekday[] = [];
  for (const name of dayText.split(",").map((part) => part.trim())) {
    const day = DAY_ALIASES[name];
    if (day === undefined) {
      return err({
        what: `names an unknown day (${name === "" ? "empty" : name})`,
        fix: `use sun, mon, tue, wed, thu, fri, sat (comma-separated) or daily; ${SCHEDULE_FIX}`,
      } satisfies Unplaced);
    }
    days.push(day);
  }
  return ok(at(hour, minute, days));
};

// ---------------------------------------------------------------- time zones

/** Offset east of UTC, in minutes, of an IANA zone at one instant (from the runtime's ICU data). */
const formatters = new Map<string, Intl.DateTimeFormat>();

const wallClock = (zone: string): Intl.DateTimeFormat => {
  const cached = formatters.get(zone);
  if (cached) return cached;
  const formatter = new Intl.DateTimeFormat("en-US", {
    timeZone: zone,
    hourCycle: "h23",
    year: "numeric",
    month: "numeric",
    day: "numeric",
    hour: "numeric",
    minute: "numeric",
  });
  formatters.set(zone, formatter);
  return formatter;
};

export const zoneOffsetAt = (zone: string, instant: Date): number => {
  const parts = wallClock(zone).formatToParts(instant);
  const part = (type: Intl.DateTimeFormatPartTypes): number =>
    Number(parts.find((p) => p.type === type)?.value ?? Number.NaN);
  const wallClockAsUtc = Date.UTC(part("year"), part("month") - 1, part("day"), part("hour"), part("minute"));
  const wholeMinute = Math.floor(instant.getTime() / 60_000) * 60_000;
  return Math.round((wallClockAsUtc - wholeMinute) / 60_000);
};

interface Daylight {
  offsetMinutes: number;
  /** Approximate (to the day, UTC date) start and end of daylight saving in the sampled year. */
  starts: string;
  ends: string;
}

/** Where schedules are written: the cron always runs in UTC; this is the clock the operator thinks in. */
export type ScheduleZone =
  | { kind: "utc" }
  | { kind: "fixed"; offsetMinutes: number }
  | { kind: "iana"; zone: string; offsetMinutes: number; daylight?: Daylight };

const isoDate = (instant: Date): string => instant.toISOString().slice(0, 10);

/**
 * An IANA zone's offsets over `year`, sampled daily at 12:00 UTC: the standard offset (the
 * smallest, used for the cron) and, if the zone observes daylight saving, the daylight offset and
 * roughly when it starts and ends.
 */
type IanaZone = Extract<ScheduleZone, { kind: "iana" }>;
const ianaZones = new Map<string, IanaZone>();

/** A zone's offsets over `year` (365 samples, so each zone and year is computed once). */
export const ianaZone = (zone: string, year: number): IanaZone => {
  const key = `${zone}@${year}`;
  const known = ianaZones.get(key);
  if (known) return known;
  const computed = sampleIanaZone(zone, year);
  ianaZones.set(key, computed);
  return computed;
};

const sampleIanaZone = (zone: string, year: number): IanaZone => {
  const samples: { date: string; offset: number }[] = [];
  for (let instant = Date.UTC(year, 0, 1, 12); instant < Date.UTC(year + 1, 0, 1); instant += 86_400_000) {
    const date = new Date(instant);
    samples.push({ date: isoDate(date), offset: zoneOffsetAt(zone, date) });
  }
  const offsets = samples.map((sample) => sample.offset);
  const standard = Math.min(...offsets);
  const summer = Math.max(...offsets);
  if (standard === summer) return { kind: "iana", zone, offsetMinutes: standard };
  const changeTo = (target: (offset: number) => boolean): string =>
    samples.find((sample, i) => i > 0 && target(sample.offset) && !target(samples[i - 1]?.offset ?? 0))
      ?.date ?? "?";
  return {
    kind: "iana",
    zone,
    offsetMinutes: standard,
    daylight: {
      offsetMinutes: summer,
      starts: changeTo((offset) => offset === summer),
      ends: changeTo((offset) => offset === standard),
    },
  };
};

/** The zone schedules are written in: `timezone` (preferred), else `timezone_offset` hours, else UTC. */
export const scheduleZone = (
  config: { readonly timezone?: string | undefined; readonly timezoneOffset?: number | undefined },
  year: number,
): ScheduleZone => {
  if (config.timezone !== undefined) return ianaZone(config.timezone, year);
  if (config.timezoneOffset !== undefined)
    return { kind: "fixed", offsetMinutes: Math.round(config.timezoneOffset * 60) };
  return { kind: "utc" };
};

const baseOffset = (zone: ScheduleZone): number => (zone.kind === "utc" ? 0 : zone.offsetMinutes);

export const describeZone = (zone: ScheduleZone): string => {
  switch (zone.kind) {
    case "utc":
      return "UTC (neither timezone nor timezone_offset is set)";
    case "fixed":
      return `${formatOffset(zone.offsetMinutes)} (timezone_offset ${zone.offsetMinutes / 60}; fixed, no daylight saving)`;
    case "iana":
      return zone.daylight === undefined
        ? `${zone.zone} (${formatOffset(zone.offsetMinutes)}, no daylight saving)`
        : `${zone.zone} (cron follows standard time ${formatOffset(zone.offsetMinutes)}; daylight saving ${formatOffset(zone.daylight.offsetMinutes)} from ~${zone.daylight.starts} to ~${zone.daylight.ends})`;
  }
};

export interface PlannedSchedule {
  /** As configured, in the zone's standard (or only) time. */
  local: Schedule;
  /** The same moments in UTC. */
  utc: Schedule;
  cron: string;
  /** While daylight saving is in effect: how much later the job runs, and when that is locally. */
  drift?: { minutes: number; local: Schedule };
}

/**
 * The same UTC moments as CloudNativePG's `ScheduledBackup.spec.schedule` takes them: six fields,
 * seconds first (robfig/cron; cloudnative-pg 1.30.0 CRD scheduledbackups.postgresql.cnpg.io).
 */
export const sixFieldCron = (planned: PlannedSchedule): string => `0 ${planned.cron}`;

/** The five-field UTC cron of the same runs `minutes` later (days move across midnight). */
export const cronLater = (planned: PlannedSchedule, minutes: number): string =>
  toCron(shiftSchedule(planned.utc, minutes));

/** A local schedule in `zone` → the UTC cron Longhorn runs, and the daylight-saving drift if any. */
export const planSchedule = (local: Schedule, zone: ScheduleZone): PlannedSchedule => {
  const utc = localToUtc(local, baseOffset(zone));
  const planned: PlannedSchedule = { local, utc, cron: toCron(utc) };
  if (zone.kind !== "iana" || zone.daylight === undefined) return planned;
  return {
    ...planned,
    drift: {
      minutes: zone.daylight.offsetMinutes - zone.offsetMinutes,
      local: utcToLocal(utc, zone.daylight.offsetMinutes),
    },
  };
};

const formatMinutes = (minutes: number): string =>
  minutes % 60 === 0
    ? `${minutes / 60}h`
    : `${Math.floor(minutes / 60) > 0 ? `${Math.floor(minutes / 60)}h` : ""}${minutes % 60}m`;

export const describeDrift = (planned: PlannedSchedule): string =>
  planned.drift === undefined
    ? "DST drift: none"
    : `DST drift: +${formatMinutes(planned.drift.minutes)} (runs ${formatSchedule(planned.drift.local)} local while daylight saving is in effect)`;
