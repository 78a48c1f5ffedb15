package notify

import (
	"testing"
	"time"
)

func TestDatesInTheJapaneseEraCalendar(t *testing.T) {
	tokyo, _ := time.LoadLocation("Asia/Tokyo")
	for _, tt := range []struct {
		at   time.Time
		want string
	}{
		{time.Date(2012, 12, 26, 17, 0, 0, 0, tokyo), "平成24年12月26日（水）"},
		{time.Date(2019, 4, 30, 23, 59, 0, 0, tokyo), "平成31年4月30日（火）"},
		{time.Date(2019, 5, 1, 0, 0, 0, 0, tokyo), "令和元年5月1日（水）"},
		{time.Date(2026, 12, 3, 9, 0, 0, 0, tokyo), "令和8年12月3日（木）"},
		{time.Date(1989, 1, 7, 12, 0, 0, 0, tokyo), "昭和64年1月7日（土）"},
		{time.Date(1989, 1, 8, 0, 0, 0, 0, tokyo), "平成元年1月8日（日）"},
		// The day is the one where the time is: 1 May 2019 in Tokyo is
		// still 30 April in UTC.
		{time.Date(2019, 4, 30, 15, 30, 0, 0, time.UTC).In(tokyo), "令和元年5月1日（水）"},
		{time.Date(1900, 1, 1, 0, 0, 0, 0, tokyo), "1900年1月1日（月）"},
	} {
		if got := EraDate(tt.at); got != tt.want {
			t.Errorf("%s: %s, want %s", tt.at, got, tt.want)
		}
	}
}

// A day has come from its start where the organisation is: in Tokyo, at
// 00:00 JST, nine hours before it begins in UTC.
func TestADayHasComeFromItsStartInTheZone(t *testing.T) {
	tokyo, err := time.LoadLocation("Asia/Tokyo")
	if err != nil {
		t.Fatal(err)
	}
	day := time.Date(2012, 12, 25, 0, 0, 0, 0, time.UTC) // as a date is kept
	for _, x := range []struct {
		at   time.Time
		want bool
	}{
		{time.Date(2012, 12, 24, 23, 59, 0, 0, tokyo), false},
		{time.Date(2012, 12, 25, 0, 0, 0, 0, tokyo), true},
		{time.Date(2012, 12, 25, 8, 0, 0, 0, tokyo), true}, // 24th 23:00 UTC
		{time.Date(2012, 12, 24, 23, 0, 0, 0, time.UTC), false},
		{time.Date(2012, 12, 26, 0, 0, 0, 0, tokyo), true},
	} {
		if got := DayHasCome(day, x.at); got != x.want {
			t.Errorf("the 25th has come at %s: %v, want %v", x.at, got, x.want)
		}
	}
}
