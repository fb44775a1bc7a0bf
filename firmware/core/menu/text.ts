// Every word the box's display shows, one table per language. Vietnamese is written in plain
// ASCII without diacritics (an HD44780 character LCD has no Vietnamese letters), the way
// Vietnamese is often typed on phones: "Tuoi ngay" stands for "Tưới ngay". Lines meant for a
// 16x2 display are at most 16 characters; a 20x4 display shows the rest.
// Settings.lang: 0 = Vietnamese (default), 1 = English.
//
// The tables are one text block per language, "Name=text" a line, in the order of the const
// enum T; they are split once, on first use. Kept as string data rather than object literals
// because DeviceScript compiles object literals to code, and the firmware's code must stay
// under the VM's 64 KB limit (its image verifier rejects function code past 0x10000).
// Vietnamese weekdays are numbered: Monday is "thu hai" (2) ... Saturday "thu bay" (7);
// Sunday ("Chu nhat") gets key 8 in the program editor (DayKeys).

export const enum T {
    Days0,
    Days1,
    Days2,
    Days3,
    Days4,
    Days5,
    Days6,
    DayShort0,
    DayShort1,
    DayShort2,
    DayShort3,
    DayShort4,
    DayShort5,
    DayShort6,
    DaySep,
    DayKeys,
    DayLegend,
    ZoneShort,
    SensorShort,
    ProgShort,
    Min,
    Hours,
    LinkUp,
    LinkDown,
    NoClock,
    Idle,
    Watering,
    Waiting,
    Paused,
    Standby,
    Fault,
    RainUntil,
    Next,
    NoNext,
    BySoil,
    HomeHint,
    MenuTitle,
    Items0,
    Items1,
    Items2,
    Items3,
    Items4,
    Items5,
    Items6,
    Items7,
    Resume,
    ListHint,
    BackHint,
    WaterTitle,
    ZoneAsk,
    NoSuchZone,
    MinutesAsk,
    MinutesRange,
    StartHint,
    Fert,
    FertNone,
    FertOn,
    FertOff,
    FertProduct,
    FertMl,
    PeakWarn,
    Forced,
    Started,
    PauseTitle,
    PauseAsk,
    PauseZero,
    PauseHint,
    PausedMsg,
    ResumeAsk,
    ResumedMsg,
    Stopped1,
    Stopped2,
    PinTitle,
    PinWrong,
    PinLocked,
    ProgsTitle,
    Empty,
    Off,
    ProgActs0,
    ProgActs1,
    ProgActs2,
    ProgActs3,
    Enable,
    RunAsk,
    DelAsk,
    Deleted,
    EnabledMsg,
    DisabledMsg,
    DaysTitle,
    EveryDay,
    OddDays,
    EvenDays,
    Every,
    DaysUnit,
    DaysLabel,
    IntervalLegend,
    DaysHint,
    NoDay,
    StartsTitle,
    StartN,
    StartsHint,
    NoStart,
    BadTime,
    ZonesTitle,
    ZonesHint,
    BudgetTitle,
    BudgetLabel,
    BudgetNote,
    SaveAsk,
    SaveHint,
    Saved,
    SensorsTitle,
    NoSensor,
    Target,
    Health0,
    Health1,
    Health2,
    Health3,
    Health4,
    AlarmsTitle,
    NoAlarms,
    AlarmHint,
    Acked,
    AckAllAsk,
    AlarmNames0,
    AlarmNames1,
    AlarmNames2,
    AlarmNames3,
    AlarmNames4,
    AlarmNames5,
    AlarmNames6,
    AlarmNames7,
    AlarmNames8,
    AlarmNames9,
    ClockTitle,
    ClockHint,
    BadClock,
    ClockSet,
    LangTitle,
    LangSet,
    SettingsTitle,
    SettingItems0,
    SettingItems1,
    SettingItems2,
    SettingItems3,
    SettingItems4,
    GlobalBudget,
    RainAsk,
    RainNote,
    RainSet,
    RainOff,
    StandbyOnAsk,
    StandbyOffAsk,
    PinNew,
    PinHint,
    PinSaved,
    PinOff,
    ClearAsk,
    Cleared,
    Done,
    YesNo,
    Error,
    Err0,
    Err1,
    Err2,
    Err3,
    Err4,
    Err5,
    Err6,
    Err7,
    Err8,
    Err9,
    Err10,
    Err11,
    Err12,
    Err13,
    Err14,
    Err15,
    Err16,
    Err17,
    Count,
}

/** Error codes of Controller.command() that have words (Err0 + index); others show as they are. */
export const ERROR_CODES = "standby fault no_clock no_zone no_weekday bad_starts no_alarm no_fault not_paused no_program zone_locked pump_locked not_ready no_injector no_flow_meter run_too_short dose_run_too_long exception"

/** Alarm kinds that have names (AlarmNames0 + index). */
export const ALARM_KINDS = "sensor safe_state max_run flash queue_full burst low_flow no_flow leak tank_empty"

export const VI_TEXT = `Days0=T2
Days1=T3
Days2=T4
Days3=T5
Days4=T6
Days5=T7
Days6=CN
DayShort0=2
DayShort1=3
DayShort2=4
DayShort3=5
DayShort4=6
DayShort5=7
DayShort6=CN
DaySep=,
DayKeys=2345678
DayLegend=Bam 2-7, 8=CN
ZoneShort=K
SensorShort=CB
ProgShort=CT
Min=phut
Hours=gio
LinkUp=4G:co
LinkDown=4G:mat
NoClock=CHUA DAT GIO
Idle=Khong tuoi
Watering=Tuoi
Waiting=Cho
Paused=TAM DUNG
Standby=HE THONG NGHI
Fault=LOI
RainUntil=Hoan mua
Next=Sau:
NoNext=Khong co lich
BySoil=Tuoi theo do am
HomeHint=A:Tuoi C:Menu D:Dung
MenuTitle=MENU
Items0=Tuoi ngay
Items1=Tam dung
Items2=Chuong trinh
Items3=Cam bien
Items4=Canh bao
Items5=Dat gio
Items6=Ngon ngu
Items7=Cai dat
Resume=Tiep tuc
ListHint=#:chon
BackHint=*:quay lai
WaterTitle=TUOI NGAY
ZoneAsk=Khu
NoSuchZone=Khong co khu
MinutesAsk=So phut:
MinutesRange=1-240 phut
StartHint=#:BAT DAU *:huy
Fert=Phan bon
FertNone=Phan bon: khong co
FertOn=B:Phan bon: BAT
FertOff=B:Phan bon: tat
FertProduct=Loai phan so:
FertMl=Luong (ml):
PeakWarn=Cao diem! C:van tuoi
Forced=Tuoi ca cao diem
Started=DA BAT
PauseTitle=TAM DUNG
PauseAsk=So gio:
PauseZero=0 = khong han
PauseHint=#:tam dung *:huy
PausedMsg=DA TAM DUNG
ResumeAsk=Tiep tuc tuoi?
ResumedMsg=DA TIEP TUC
Stopped1=DA DUNG TAT CA
Stopped2=Van dang dong
PinTitle=NHAP MA PIN
PinWrong=Sai ma PIN
PinLocked=Khoa 5 phut
ProgsTitle=CHUONG TRINH
Empty=(trong)
Off=tat
ProgActs0=Sua
ProgActs1=Tuoi ngay
ProgActs2=Bat/Tat
ProgActs3=Xoa
Enable=Bat
RunAsk=Tuoi ngay
DelAsk=Xoa
Deleted=DA XOA
EnabledMsg=DA BAT
DisabledMsg=DA TAT
DaysTitle=NGAY TUOI
EveryDay=Moi ngay
OddDays=Ngay le
EvenDays=Ngay chan
Every=Cach
DaysUnit=ngay
DaysLabel=Ngay:
IntervalLegend=So ngay 1-30
DaysHint=C:kieu #:tiep
NoDay=Chua chon ngay
StartsTitle=GIO BAT DAU
StartN=Lan
StartsHint=A/B:lan C:xoa #:tiep
NoStart=Chua co gio
BadTime=Gio sai
ZonesTitle=PHUT MOI KHU
ZonesHint=#:tiep C:xong
BudgetTitle=MUC NUOC
BudgetLabel=Muc nuoc:
BudgetNote=100=binh thuong
SaveAsk=LUU
SaveHint=#:LUU *:sua
Saved=DA LUU
SensorsTitle=CAM BIEN DAT
NoSensor=khong co
Target=Can:
Health0=OK
Health1=MAT
Health2=SAI
Health3=KET
Health4=-
AlarmsTitle=CANH BAO
NoAlarms=Khong co canh bao
AlarmHint=#:xac nhan C:het
Acked=Da xac nhan
AckAllAsk=Xac nhan het?
AlarmNames0=Cam bien
AlarmNames1=Loi an toan
AlarmNames2=Tuoi qua lau
AlarmNames3=Bo nho
AlarmNames4=Hang doi day
AlarmNames5=Vo ong
AlarmNames6=Nuoc yeu
AlarmNames7=Khong nuoc
AlarmNames8=Ro nuoc
AlarmNames9=Het phan
ClockTitle=DAT GIO (gio VN)
ClockHint=#:luu A:< B:>
BadClock=Gio sai
ClockSet=DA DAT GIO
LangTitle=NGON NGU
LangSet=Tieng Viet
SettingsTitle=CAI DAT
SettingItems0=Muc nuoc %
SettingItems1=Hoan vi mua
SettingItems2=Nghi he thong
SettingItems3=Ma PIN
SettingItems4=Xoa loi
GlobalBudget=Muc chung:
RainAsk=Hoan (gio):
RainNote=0 = bo hoan
RainSet=DA HOAN TUOI
RainOff=DA BO HOAN
StandbyOnAsk=Nghi he thong?
StandbyOffAsk=Het nghi?
PinNew=PIN moi:
PinHint=#:luu C:tat PIN
PinSaved=DA DAT PIN
PinOff=DA TAT PIN
ClearAsk=Xoa loi?
Cleared=DA XOA LOI
Done=XONG
YesNo=#:dong y *:khong
Error=LOI:
Err0=He thong dang nghi
Err1=Dang loi an toan
Err2=Chua dat gio
Err3=Chua co khu tuoi
Err4=Chua chon ngay
Err5=Chua co gio
Err6=Het canh bao
Err7=Khong co loi
Err8=Dang khong dung
Err9=Khong co CT
Err10=Khu bi khoa
Err11=Bom bi khoa
Err12=Chua san sang
Err13=Khong co may phan
Err14=Khong co dong ho
Err15=Tuoi qua ngan
Err16=Tuoi qua dai
Err17=Loi he thong`

export const EN_TEXT = `Days0=Mon
Days1=Tue
Days2=Wed
Days3=Thu
Days4=Fri
Days5=Sat
Days6=Sun
DayShort0=Mo
DayShort1=Tu
DayShort2=We
DayShort3=Th
DayShort4=Fr
DayShort5=Sa
DayShort6=Su
DaySep=
DayKeys=1234567
DayLegend=1-7 = Mon-Sun
ZoneShort=Z
SensorShort=S
ProgShort=P
Min=min
Hours=h
LinkUp=4G:up
LinkDown=4G:down
NoClock=CLOCK NOT SET
Idle=Not watering
Watering=Water
Waiting=Wait
Paused=PAUSED
Standby=STANDBY
Fault=FAULT
RainUntil=Rain to
Next=Next:
NoNext=No schedule
BySoil=Water by soil
HomeHint=A:Run C:Menu D:Stop
MenuTitle=MENU
Items0=Water now
Items1=Pause
Items2=Programs
Items3=Sensors
Items4=Alarms
Items5=Set clock
Items6=Language
Items7=Settings
Resume=Resume
ListHint=#:open
BackHint=*:back
WaterTitle=WATER NOW
ZoneAsk=Zone
NoSuchZone=No zone
MinutesAsk=Minutes:
MinutesRange=1-240 minutes
StartHint=#:START *:cancel
Fert=Fertilizer
FertNone=Fertilizer: none
FertOn=B:Fertilize: ON
FertOff=B:Fertilize: off
FertProduct=Product no:
FertMl=Amount (ml):
PeakWarn=Peak! C:run anyway
Forced=Runs in peak
Started=STARTED
PauseTitle=PAUSE
PauseAsk=Hours:
PauseZero=0 = no limit
PauseHint=#:pause *:cancel
PausedMsg=PAUSED
ResumeAsk=Resume watering?
ResumedMsg=RESUMED
Stopped1=ALL STOPPED
Stopped2=Valves closing
PinTitle=ENTER PIN
PinWrong=Wrong PIN
PinLocked=Locked 5 min
ProgsTitle=PROGRAMS
Empty=(empty)
Off=off
ProgActs0=Edit
ProgActs1=Run now
ProgActs2=On/Off
ProgActs3=Delete
Enable=On
RunAsk=Run
DelAsk=Delete
Deleted=DELETED
EnabledMsg=SWITCHED ON
DisabledMsg=SWITCHED OFF
DaysTitle=DAYS
EveryDay=Every day
OddDays=Odd days
EvenDays=Even days
Every=Every
DaysUnit=days
DaysLabel=Days:
IntervalLegend=Days 1-30
DaysHint=C:type #:next
NoDay=No day chosen
StartsTitle=START TIMES
StartN=Start
StartsHint=AB:slot C:del #:next
NoStart=No start time
BadTime=Bad time
ZonesTitle=MINUTES PER ZONE
ZonesHint=#:next C:done
BudgetTitle=WATER BUDGET
BudgetLabel=Budget:
BudgetNote=100 = normal
SaveAsk=SAVE
SaveHint=#:SAVE *:edit
Saved=SAVED
SensorsTitle=SOIL SENSORS
NoSensor=none
Target=Target:
Health0=OK
Health1=MISSING
Health2=RANGE
Health3=STUCK
Health4=-
AlarmsTitle=ALARMS
NoAlarms=No alarms
AlarmHint=#:ack C:ack all
Acked=Acknowledged
AckAllAsk=Ack all alarms?
AlarmNames0=Sensor
AlarmNames1=Safe state
AlarmNames2=Ran too long
AlarmNames3=Memory
AlarmNames4=Queue full
AlarmNames5=Burst pipe
AlarmNames6=Low flow
AlarmNames7=No flow
AlarmNames8=Leak
AlarmNames9=Tank empty
ClockTitle=SET CLOCK (local)
ClockHint=#:save A:< B:>
BadClock=Bad date/time
ClockSet=CLOCK SET
LangTitle=LANGUAGE
LangSet=English
SettingsTitle=SETTINGS
SettingItems0=Water budget
SettingItems1=Rain delay
SettingItems2=Standby
SettingItems3=PIN code
SettingItems4=Clear fault
GlobalBudget=All zones:
RainAsk=Delay (h):
RainNote=0 = cancel delay
RainSet=RAIN DELAY ON
RainOff=RAIN DELAY OFF
StandbyOnAsk=Standby on?
StandbyOffAsk=Standby off?
PinNew=New PIN:
PinHint=#:save C:PIN off
PinSaved=PIN SET
PinOff=PIN OFF
ClearAsk=Clear fault?
Cleared=FAULT CLEARED
Done=DONE
YesNo=#:yes *:no
Error=ERROR:
Err0=Standby is on
Err1=Safe-state fault
Err2=Clock not set
Err3=No zone watered
Err4=No day chosen
Err5=No start time
Err6=No alarm
Err7=No fault
Err8=Not paused
Err9=No program
Err10=Zone locked
Err11=Pump locked
Err12=Not ready
Err13=No injector
Err14=No flow meter
Err15=Run too short
Err16=Run too long
Err17=System error`

const tables: string[][] = [[], []]

/**
 * Splits `s` at every `sep`. DeviceScript's own String.split walks the string a character at
 * a time in bytecode, and every step counts against the VM's loop budget (~10k iterations
 * between awaits): splitting a text table with it panicked the firmware. This takes one step
 * per piece, finding each separator with the native indexOf.
 */
export function splitAt(s: string, sep: string): string[] {
    const out: string[] = []
    let p = 0
    for (;;) {
        const q = s.indexOf(sep, p)
        if (q < 0) {
            out.push(s.slice(p))
            return out
        }
        out.push(s.slice(p, q))
        p = q + sep.length
    }
}

/** Splits a "Name=text" block into the texts, in order. */
export function parseTexts(block: string): string[] {
    const out: string[] = []
    for (const l of splitAt(block, "\n")) out.push(l.slice(l.indexOf("=") + 1))
    return out
}

/** The table of a language (anything but 1 is Vietnamese), indexed by T. */
export function texts(lang: number): string[] {
    const i = lang === 1 ? 1 : 0
    if (tables[i].length === 0) tables[i] = parseTexts(i === 1 ? EN_TEXT : VI_TEXT)
    return tables[i]
}

const found: (string | null)[][] = [[], []]

/**
 * Text i (a T) of a language, found in the table on first use and kept. Unlike texts(), only
 * the texts a screen shows take heap: the whole table, split, is about 5 KB per language,
 * and the connected box's heap is shared with the MQTT link (ESP32 runtime heap: 64 KB).
 */
export function text(lang: number, i: number): string {
    const l = lang === 1 ? 1 : 0
    const block = l === 1 ? EN_TEXT : VI_TEXT
    const c = found[l]
    if (c.length === 0) {
        // One slot per line (one indexOf step each: the VM's loop budget).
        let q = 0
        while (q >= 0) {
            c.push(null)
            q = block.indexOf("\n", q)
            if (q >= 0) q++
        }
    }
    if (i < 0 || i >= c.length) return ""
    const hit = c[i]
    if (hit !== null) return hit
    let p = 0
    for (let k = 0; k < i; k++) p = block.indexOf("\n", p) + 1
    const e = block.indexOf("\n", p)
    const line = e < 0 ? block.slice(p) : block.slice(p, e)
    const t = line.slice(line.indexOf("=") + 1)
    c[i] = t
    return t
}

/** Position of `word` in a space-separated list, or -1. */
export function wordIndex(list: string, word: string): number {
    return splitAt(list, " ").indexOf(word)
}

/** A command's error code in words; unknown codes are shown as they are. */
export function errorText(lang: number, code: string): string {
    const i = wordIndex(ERROR_CODES, code)
    return i < 0 ? code : text(lang, T.Err0 + i)
}
