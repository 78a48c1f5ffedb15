package notify

import (
	"fmt"
	"time"
)

var weekdaysJA = [...]string{"日", "月", "火", "水", "木", "金", "土"}

// LetterTime writes a date and time the way a letter in lang does:
// 2026年11月20日（金）14時05分, or Fri 20 November 2026, 14:05 JST.
func LetterTime(lang string, t time.Time) string {
	if t.IsZero() {
		if lang == "en" {
			return "(date unknown)"
		}
		return "（日時不明）"
	}
	if lang == "en" {
		return t.Format("Mon 2 January 2006, 15:04 MST")
	}
	return LetterDate(lang, t) + clockJA(t)
}

// EraTime writes a date and time as LetterTime does in Japanese, the day
// in the Japanese era calendar (EraDate): 平成24年12月26日（水）17時00分.
func EraTime(t time.Time) string {
	if t.IsZero() {
		return LetterTime("ja", t)
	}
	return EraDate(t) + clockJA(t)
}

// clockJA is the time of day as Japanese letters write it: 14時05分.
func clockJA(t time.Time) string { return fmt.Sprintf("%d時%02d分", t.Hour(), t.Minute()) }

// LetterDate writes a day the way a letter in lang does: 2026年11月20日（金）,
// or Fri 20 November 2026.
func LetterDate(lang string, t time.Time) string {
	if lang == "en" {
		return t.Format("Mon 2 January 2006")
	}
	return fmt.Sprintf("%d年%d月%d日（%s）", t.Year(), t.Month(), t.Day(), weekdaysJA[t.Weekday()])
}

// EraDate writes a day in the Japanese era calendar (和暦), as official
// letters do: 平成24年12月26日（水）, 令和元年5月1日（水）. A day before
// the Shōwa era is written in the Western calendar.
func EraDate(t time.Time) string {
	for _, e := range eras {
		if !dayBefore(t, e.start) {
			year := t.Year() - e.start.Year() + 1
			y := fmt.Sprint(year)
			if year == 1 {
				y = "元"
			}
			return fmt.Sprintf("%s%s年%d月%d日（%s）", e.name, y, t.Month(), t.Day(), weekdaysJA[t.Weekday()])
		}
	}
	return LetterDate("ja", t)
}

// eras are the Japanese eras owabi writes, the latest first, each from
// its first day.
var eras = []struct {
	name  string
	start time.Time
}{
	{"令和", time.Date(2019, 5, 1, 0, 0, 0, 0, time.UTC)},
	{"平成", time.Date(1989, 1, 8, 0, 0, 0, 0, time.UTC)},
	{"昭和", time.Date(1926, 12, 25, 0, 0, 0, 0, time.UTC)},
}

// DayHasCome says whether day (a date without a time of day, as owabi
// keeps the day a follow-up was done) had begun at t, where t is: what was
// done on a day counts as done from that day's start in the
// organisation's zone, not in UTC's.
func DayHasCome(day, t time.Time) bool { return !dayBefore(t, day) }

// dayBefore says whether t's calendar day, where t is, comes before the
// day start names.
func dayBefore(t, start time.Time) bool {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Before(start)
}
