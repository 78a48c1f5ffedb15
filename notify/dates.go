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
	return LetterDate(lang, t) + fmt.Sprintf("%d時%02d分", t.Hour(), t.Minute())
}

// LetterDate writes a day the way a letter in lang does: 2026年11月20日（金）,
// or Fri 20 November 2026.
func LetterDate(lang string, t time.Time) string {
	if lang == "en" {
		return t.Format("Mon 2 January 2006")
	}
	return fmt.Sprintf("%d年%d月%d日（%s）", t.Year(), t.Month(), t.Day(), weekdaysJA[t.Weekday()])
}
