package classify_test

import (
	"testing"

	"github.com/owabi/owabi/notify/classify"
)

func TestCompanyKey(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		// The variants in the demo book (README), each with its master.
		{"ASAGIRI PAPER CO.,LTD", "asagiripaper"},
		{"Asagiri Paper Co., Ltd.", "asagiripaper"},
		{"まつかぜ紙工", "まつかぜ紙工"},
		{"株式会社まつかぜ紙工", "まつかぜ紙工"},
		{"かんつばき電機 株式会社", "かんつばき電機"},
		{"かんつばき電機株式会社", "かんつばき電機"},
		{"㈲かえで建設", "かえで建設"},
		{"有限会社かえで建設", "かえで建設"},
		{"株式会社　せいりゅう化粧品", "せいりゅう化粧品"},
		{"株式会社せいりゅう化粧品", "せいりゅう化粧品"},
		{"千歳屋　呉服店", "千歳屋呉服店"},
		{"千歳屋呉服店", "千歳屋呉服店"},
		{"雲雀堂　書店", "雲雀堂書店"},
		{"雲雀堂書店", "雲雀堂書店"},
		{"(株)NKデザイン", "nkデザイン"},
		{"株式会社NKデザイン", "nkデザイン"},
		{"ひばり茶舗", "ひばり茶舗"},
		{"有限会社ひばり茶舗", "ひばり茶舗"},

		// Other spellings of the forms.
		{"㈱NKデザイン", "nkデザイン"},
		{"（株）ＮＫデザイン", "nkデザイン"},
		{"NKﾃﾞｻﾞｲﾝ(株)", "nkデザイン"},
		{"㍿NKデザイン", "nkデザイン"},
		{"（有）かえで建設", "かえで建設"},
		{"合同会社星空交通", "星空交通"},
		{"星空交通(合)", "星空交通"},
		{"合資会社星空交通", "星空交通"},
		{"合名会社星空交通", "星空交通"},
		{"Sakura Printing K.K.", "sakuraprinting"},
		{"Sakura Printing Inc.", "sakuraprinting"},
		{"Sakura Printing Corp.", "sakuraprinting"},
		{"Sakura Printing Corporation", "sakuraprinting"},
		{"Sakura Printing Co.,Ltd", "sakuraprinting"},
		{"Sakura Printing Co.Ltd.", "sakuraprinting"},
		{"Sakura Printing Ltd.", "sakuraprinting"},
		{"Sakura Printing LLC", "sakuraprinting"},
		{"Sakura Printing Company Limited", "sakuraprinting"},
		{"K.K. Sakura Printing", "sakuraprinting"},
		{"ＳＡＫＵＲＡ　ＰＲＩＮＴＩＮＧ", "sakuraprinting"},

		// Punctuation and white space.
		{"さくら・印刷", "さくら印刷"},
		{" さくら\t印刷\u3000", "さくら印刷"},
		{"NK-Design", "nkdesign"},

		// What must stay.
		{"学校法人若草学園", "学校法人若草学園"},
		{"医療法人社団青嵐会", "医療法人社団青嵐会"},
		{"Costco", "costco"},
		{"Co-op Sakura", "coopsakura"},
		{"Incline Co.", "incline"},

		// Nothing left.
		{"", ""},
		{"株式会社", ""},
		{"Inc.", ""},
		{"Co., Ltd.", ""},
		{"株式株式会社会社", ""},
		{"L td", ""},
	}
	for _, tt := range tests {
		if got := classify.CompanyKey(tt.in); got != tt.want {
			t.Errorf("CompanyKey(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestCompanyKeyDiffers(t *testing.T) {
	tests := []struct{ a, b string }{
		{"株式会社朝霧化粧品", "株式会社朝霧食品"},
		{"春風書房株式会社", "春風製菓株式会社"},
		{"紅梅広告株式会社", "紅梅観光株式会社"},
		{"ひばり茶舗", "雲雀堂書店"},
	}
	for _, tt := range tests {
		if ka, kb := classify.CompanyKey(tt.a), classify.CompanyKey(tt.b); ka == kb {
			t.Errorf("CompanyKey(%q) == CompanyKey(%q) == %q", tt.a, tt.b, ka)
		}
	}
}
